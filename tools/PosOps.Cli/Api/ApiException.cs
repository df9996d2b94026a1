using System.Net;

namespace PosOps.Cli.Api;

/// <summary>The API answered with an error (problem details) or could not be reached; carries the exit code.</summary>
public sealed class ApiException : Exception
{
    public ApiException()
    {
    }

    public ApiException(string message)
        : base(message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ApiException(string message, int exitCode, HttpStatusCode? status = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
        Status = status;
    }

    public int ExitCode { get; } = ExitCodes.Failure;

    public HttpStatusCode? Status { get; }
}
