namespace PosOps.IncidentService.Correlation;

/// <summary>
/// Stream keys besides device ids: one stream per store for store incidents, one for the platform.
/// They use the device write model, so acknowledgement, escalation, runbooks and follow-up work the same.
/// </summary>
public static class StreamIds
{
    public const string StorePrefix = "store:";
    public const string Platform = "platform";

    public static string Store(string storeId) => StorePrefix + storeId;
}
