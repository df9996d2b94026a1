namespace PosOps.Cli.Output;

/// <summary>Tables for people, JSON and CSV for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
    Csv,
}
