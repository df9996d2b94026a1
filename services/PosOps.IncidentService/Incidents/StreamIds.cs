namespace PosOps.IncidentService.Incidents;

/// <summary>
/// Stream keys besides device ids: one stream per store for store incidents, one for the platform.
/// They use the device write model, so acknowledgement, escalation, runbooks and follow-up work the same.
/// </summary>
public static class StreamIds
{
    public const string StorePrefix = "store:";
    public const string Platform = "platform";

    public static string Store(string storeId) => StorePrefix + storeId;

    /// <summary>A device's own stream (store and platform streams have no terminal to send commands to).</summary>
    public static bool IsTerminal(string streamId) => !streamId.StartsWith(StorePrefix, StringComparison.Ordinal) && streamId != Platform;
}
