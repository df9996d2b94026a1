namespace PosOps.Contracts.Commands;

/// <summary>What IncidentService can ask a terminal to do (the guide's remediation steps).</summary>
public enum CommandKind
{
    /// <summary>Restart the terminal; clears many temporary faults.</summary>
    Restart,

    /// <summary>Move to another link (<see cref="AgentCommand.Network"/>), e.g. wifi to cellular.</summary>
    SwitchNetwork,

    /// <summary>Run the terminal's self-test and report every component.</summary>
    SelfTest,

    /// <summary>Update the payment app (and OS if needed) to the current version.</summary>
    UpdateApp,

    /// <summary>Uninstall and reinstall the payment app.</summary>
    ReinstallApp,

    /// <summary>Upload the offline-transaction journal now.</summary>
    UploadOfflineTransactions,

    /// <summary>Show a notice to the store's customers on the terminal's screen.</summary>
    ShowCustomerNotice,

    /// <summary>Remove the customer notice.</summary>
    ClearCustomerNotice,
}

/// <summary>
/// A command to one terminal. <see cref="CommandId"/> makes it idempotent; a command that arrives
/// after <see cref="ExpiresAt"/> is refused, not run late.
/// </summary>
/// <param name="Network">Target link for <see cref="CommandKind.SwitchNetwork"/>.</param>
/// <param name="NoticeEn">English notice text for <see cref="CommandKind.ShowCustomerNotice"/>.</param>
/// <param name="NoticeZh">Chinese (zh-CN) notice text for <see cref="CommandKind.ShowCustomerNotice"/>.</param>
public sealed record AgentCommand(
    Guid CommandId,
    string DeviceId,
    CommandKind Kind,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? Network = null,
    string? NoticeEn = null,
    string? NoticeZh = null);
