#!/usr/bin/env python3
"""Publish a signed fault (and a heartbeat) the way any non-.NET agent would, with nothing but the
Python standard library and RabbitMQ's management HTTP API (any AMQP 0-9-1 client works the same way:
exchange, routing key = device id, AMQP `type`, header `x-posops-signature`, raw JSON body).

  python3 tools/examples/publish_fault.py [registry.json] [device-id]

The device is first added to the registry file IncidentService imports (./run.sh uses
.posops/fleet-registry.json and re-reads it within 10 s), with a fresh signing key.
"""
import base64, hashlib, hmac, json, os, sys, time, uuid, urllib.request

registry = sys.argv[1] if len(sys.argv) > 1 else ".posops/fleet-registry.json"
device = sys.argv[2] if len(sys.argv) > 2 else "DEMO-T001"
store = device.split("-")[0]
management = os.environ.get("POSOPS_RABBITMQ_MANAGEMENT", "http://127.0.0.1:27673")

entries = json.load(open(registry))
entry = next((e for e in entries if e["deviceId"] == device), None)
if entry is None:
    entry = {"deviceId": device, "storeId": store, "model": "PX-7", "serial": "DEMO0001", "location": "demo",
             "key": base64.b64encode(os.urandom(32)).decode()}
    entries.append(entry)
    json.dump(entries, open(registry, "w"))
    print(f"registered {device} in {registry}; waiting for IncidentService to import it")
    time.sleep(11)
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


now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
sequence = time.time_ns() // 1000  # strictly increasing per device; a clock in microseconds will do for a demo
publish("posops.agent.heartbeat", "heartbeat", {
    "messageId": str(uuid.uuid4()), "deviceId": device, "storeId": store, "sequence": sequence,
    "components": [{"component": "printer", "status": "faulted", "code": "PAPER_OUT"}],
    "network": {"mode": "wifi", "signalPercent": 70}, "appVersion": "1.0.0", "osVersion": "demo",
    "offlineJournalDepth": 0, "occurredAt": now}, persistent=False)
publish("posops.agent.fault", "fault-reported", {
    "messageId": str(uuid.uuid4()), "deviceId": device, "storeId": store, "sequence": sequence + 1,
    "component": "printer", "code": "PAPER_OUT", "occurredAt": now, "detail": "published by hand"})
print(f"see http://127.0.0.1:5080/api/devices/{device}/events")
