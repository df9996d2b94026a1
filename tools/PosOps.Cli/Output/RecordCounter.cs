namespace PosOps.Cli.Output;

/// <summary>
/// Counts records in a streamed export as bytes arrive, for the progress bar: objects directly inside
/// the top-level JSON array, or CSV lines after the header (line breaks inside quoted fields ignored).
/// </summary>
public sealed class RecordCounter(OutputFormat format)
{
    private int depth;
    private bool inString;
    private bool escaped;
    private bool headerDone;

    public long Records { get; private set; }

    public void Add(ReadOnlySpan<byte> chunk)
    {
        foreach (var b in chunk)
        {
            if (format == OutputFormat.Csv)
            {
                AddCsv(b);
            }
            else
            {
                AddJson(b);
            }
        }
    }

    private void AddCsv(byte b)
    {
        if (b == (byte)'"')
        {
            inString = !inString;
        }
        else if (b == (byte)'\n' && !inString)
        {
            if (headerDone)
            {
                Records++;
            }

            headerDone = true;
        }
    }

    private void AddJson(byte b)
    {
        if (inString)
        {
            if (escaped)
            {
                escaped = false;
            }
            else if (b == (byte)'\\')
            {
                escaped = true;
            }
            else if (b == (byte)'"')
            {
                inString = false;
            }

            return;
        }

        switch (b)
        {
            case (byte)'"':
                inString = true;
                break;
            case (byte)'[' or (byte)'{':
                if (b == (byte)'{' && depth == 1)
                {
                    Records++;
                }

                depth++;
                break;
            case (byte)']' or (byte)'}':
                depth--;
                break;
        }
    }
}
