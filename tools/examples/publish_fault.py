#!/usr/bin/env python3
"""Publish a signed fault (and a heartbeat) the way any non-.NET agent would, with nothing but the
Python standard library and RabbitMQ's management HTTP API (any AMQP 0-9-1 client works the same way:
exchange, routing key = device id, AMQP `type`, header `x-posops-signature`, raw JSON body).

  python3 tools/examples/publish_fault.py [registry.json] [device-id]

The device is first added, with a fresh signing key, to the registry file IncidentService imports
(./run.sh uses .posops/fleet-registry.json; a change is imported within a second). With the admin key
(.posops/admin-key, written by ./run.sh, or POSOPS_API_KEY) it then waits until IncidentService has
recorded the fault.
"""
import base64, hashlib, hmac, json, os, sys, time, uuid, urllib.error, urllib.request

registry = sys.argv[1] if len(sys.argv) > 1 else ".posops/fleet-registry.json"
device = sys.argv[2] if len(sys.argv) > 2 else "DEMO-T001"
store = device.split("-")[0]
api = os.environ.get("POSOPS_API", "http://127.0.0.1:5080")


def recorded_port(name, default):
    """The ports deploy/local/servers.sh recorded for this checkout (they move when the defaults are taken)."""
    for path in (".posops/servers/ports.env", ".posops/ports.env"):
        try:
            for line in open(path):
                key, _, value = line.strip().partition("=")
                if key == name and value:
                    return value
        except OSError:
            pass
    return default


management = os.environ.get("POSOPS_RABBITMQ_MANAGEMENT") or f"http://127.0.0.1:{recorded_port('rec_mgmt', '27673')}"
api_key = os.environ.get("POSOPS_API_KEY") or (open(".posops/admin-key").read().strip() if os.path.exists(".posops/admin-key") else None)

try:
    document = json.load(open(registry))
except (OSError, ValueError) as e:
    sys.exit(f"publish_fault.py: cannot read the registry {registry} ({e}); start ./run.sh first, or name the file")
# Either a list of devices (older files) or {"devices": [...], "stores": [...]} as ./run.sh writes it.
entries = document if isinstance(document, list) else document.setdefault("devices", [])
entry = next((e for e in entries if e["deviceId"] == device), None)
if entry is None:
    entry = {"deviceId": device, "storeId": store, "model": "PX-7", "serial": "DEMO0001", "location": "demo",
             "key": base64.b64encode(os.urandom(32)).decode()}
    entries.append(entry)
    # Write a new file and rename it over the old one: IncidentService never reads half a file.
    temporary = f"{registry}.{os.getpid()}.tmp"
    with open(temporary, "w") as f:
        json.dump(document, f)
    os.replace(temporary, registry)
    print(f"registered {device} in {registry}")
key = base64.b64decode(entry["key"])


def publish(exchange, message_type, message, persistent=True):
    body = json.dumps(message, separators=(",", ":"))
    # signature = base64(HMAC-SHA256(deviceKey, deviceId + "\n" + sequence + "\n" + body))
    signed = f"{message['deviceId']}\n{message['sequence']}\n{body}".encode()
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    request = urllib.request.Request(
        f"{management}/api/exchanges/%2F/{exchange}/publish",
        json.dumps({"routing_key": message["deviceId"], "payload": body, "payload_encoding": "string",
                    "properties": {"type": message_type, "message_id": message["messageId"], "content_type": "application/json",
                                   "delivery_mode": 2 if persistent else 1, "headers": {"x-posops-signature": signature}}}).encode(),
        {"content-type": "application/json", "authorization": "Basic " + base64.b64encode(b"posops:posops").decode()})
    print(message_type, urllib.request.urlopen(request).read().decode())


def get(path):
    """GET on IncidentService's API with the admin key; None when it answers 404."""
    request = urllib.request.Request(api + path, headers={"X-Api-Key": api_key})
    try:
        return json.load(urllib.request.urlopen(request))
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def until(what, check, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.3)
    sys.exit(f"publish_fault.py: {what} did not happen within {seconds} s (see .posops/logs/incident-service.log)")


sequence = time.time_ns() // 1000  # strictly increasing per device; a clock in microseconds will do for a demo


def heartbeat():
    global sequence
    sequence += 1
    publish("posops.agent.heartbeat", "heartbeat", {
        "messageId": str(uuid.uuid4()), "deviceId": device, "storeId": store, "sequence": sequence,
        "components": [{"component": "printer", "status": "faulted", "code": "PAPER_OUT"}],
        "network": {"mode": "wifi", "signalPercent": 70}, "appVersion": "1.0.0", "osVersion": "demo",
        "offlineJournalDepth": 0, "occurredAt": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}, persistent=False)


heartbeat()
if api_key:
    # A heartbeat that raced the registry import is rejected (error queue): beat again until one is taken.
    until("the heartbeat's arrival", lambda: get(f"/api/devices/{device}") is not None or heartbeat())
else:
    time.sleep(2)
sequence += 1
publish("posops.agent.fault", "fault-reported", {
    "messageId": str(uuid.uuid4()), "deviceId": device, "storeId": store, "sequence": sequence,
    "component": "printer", "code": "PAPER_OUT", "occurredAt": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
    "detail": "published by hand"})
if api_key:
    def fault_recorded():
        page = get(f"/api/devices/{device}/events")
        return page is not None and any(e["type"] == "fault_detected" for e in page["events"])
    until("the fault's recording", fault_recorded)
    print(f"IncidentService recorded the fault: {api}/api/devices/{device}/events")
else:
    print(f"see {api}/api/devices/{device}/events (with the admin key as X-Api-Key)")
