using PosOps.IncidentService.Registry;

namespace PosOps.IncidentService.Tests.Registry;

public class RegistryFileTests
{
    [Fact]
    public void GivenAnOlderFileWithDevicesOnly_WhenParsed_ThenItHasDevicesAndNoStores()
    {
        var registry = RegistryImporter.Parse("""[{ "deviceId": "S01-T001", "storeId": "S01", "model": "PX-7", "serial": "SN1", "location": null, "key": "a2V5" }]""", "fleet.json");

        Assert.Equal("S01-T001", Assert.Single(registry.Devices).DeviceId);
        Assert.Null(registry.Stores);
    }

    [Fact]
    public void GivenAFileWithDevicesAndStores_WhenParsed_ThenTheStoresLineAndBackupTerminalsAreRead()
    {
        var registry = RegistryImporter.Parse("""
            { "devices": [{ "deviceId": "S01-T001", "storeId": "S01", "model": "PX-7", "serial": "SN1", "location": null, "key": "a2V5" }],
              "stores": [{ "storeId": "S01", "name": "Nanjing Road", "region": "east", "isp": "China Telecom", "lineId": "LN-1", "backupDeviceIds": ["S01-B01"] }] }
            """, "fleet.json");

        var store = Assert.Single(registry.Stores!);
        Assert.Equal(("LN-1", "S01-B01"), (store.LineId, Assert.Single(store.BackupDeviceIds!)));
    }

    [Fact]
    public void GivenAFileWithoutDevices_WhenParsed_ThenItSaysWhichFile()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RegistryImporter.Parse("""{ "stores": [] }""", "fleet.json"));

        Assert.Contains("fleet.json", error.Message, StringComparison.Ordinal);
    }
}
