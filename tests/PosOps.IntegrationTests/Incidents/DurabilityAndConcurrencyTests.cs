namespace PosOps.IntegrationTests.Incidents;

public sealed class DurabilityTests(TestServers servers) : SystemTest(servers)
{
    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenIncidentServiceIsDown_WhenAFaultIsPublished_ThenItIsProcessedOnceTheServiceIsBack()
    {
        var deviceId = Messages.NewDeviceId();
        await System.Agent.EnsureRegisteredAsync(deviceId);
        await System.StopIncidentServicesAsync();

        await System.Agent.PublishAsync(Messages.Fault(deviceId, 1), default);
        await System.StartIncidentServiceAsync();

        await Wait.UntilAsync(async () => (await System.Api.GetAsync($"/api/devices/{deviceId}/events")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the queued fault");
        Assert.Equal(["fault_detected", "incident_opened"], await System.StreamEventTypesAsync(deviceId));
    }
}

/// <summary>Design principle 4: several replicas consume in parallel; optimistic concurrency keeps one incident per fault.</summary>
public sealed class ConcurrencyTests(TestServers servers) : SystemTest(servers)
{
    protected override int IncidentServices => 2;

    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenTwoIncidentServices_WhenEachFaultIsDeliveredThreeTimesInParallel_ThenEachDeviceHasExactlyOneIncident()
    {
        var devices = Enumerable.Range(0, 20).Select(_ => Messages.NewDeviceId("S09")).Distinct().ToList();
        var faults = devices.Select(d => Messages.Fault(d, 1)).ToList();

        await Task.WhenAll(faults.SelectMany(f => new[] { f, f, f }).Select(f => System.Agent.PublishAsync(f, default)));

        await Wait.UntilAsync(async () => (await System.GetJsonAsync("/api/incidents?storeId=S09")).GetArrayLength() >= devices.Count, TimeSpan.FromSeconds(60), "an incident per device");
        await Task.Delay(1000);
        var incidents = (await System.GetJsonAsync("/api/incidents?storeId=S09")).EnumerateArray().Select(i => i.GetProperty("deviceId").GetString()).ToList();
        Assert.Equal(devices.Order(), incidents.Order());
        foreach (var device in devices)
        {
            Assert.Equal(["fault_detected", "incident_opened"], await System.StreamEventTypesAsync(device));
        }
    }
}
