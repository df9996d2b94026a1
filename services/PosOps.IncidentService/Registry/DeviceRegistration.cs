namespace PosOps.IncidentService.Registry;

/// <summary>
/// The device registry (a Marten document): the inventory that vendor-support steps and auditors
/// need, and the device's signing key. Id = device id.
/// </summary>
public sealed record DeviceRegistration(string Id, string StoreId, string Model, string Serial, string? Location, string Key, DateTimeOffset RegisteredAt);
