namespace PosOps.Cli;

/// <summary>What <c>posops</c> returns to the shell; scripts branch on these (documented in README and --help).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The request was understood but failed: verify found a broken chain, the API refused an action, not found.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line: unknown command or option, missing argument, unparsable value.</summary>
    public const int Usage = 2;

    /// <summary>The API could not be reached, or refused the credentials (401/403).</summary>
    public const int Unreachable = 3;
}
