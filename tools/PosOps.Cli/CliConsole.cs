using Spectre.Console;

namespace PosOps.Cli;

/// <summary>
/// Where the CLI writes: plain text writers for data (JSON, CSV) that scripts read, and Spectre consoles
/// for tables and progress. Progress and messages go to standard error so piping the data stays clean.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, IAnsiConsole screen, IAnsiConsole errorScreen)
    {
        Out = output;
        Error = error;
        Screen = screen;
        ErrorScreen = errorScreen;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Tables and panels for people, on standard output.</summary>
    public IAnsiConsole Screen { get; }

    /// <summary>Progress bars and notes, on standard error.</summary>
    public IAnsiConsole ErrorScreen { get; }

    /// <summary>The process's own standard output and error.</summary>
    public static CliConsole System() => new(
        Console.Out,
        Console.Error,
        AnsiConsole.Console,
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    /// <summary>Plain, wide, non-interactive consoles over the given writers (tests, redirected output).</summary>
    public static CliConsole Plain(TextWriter output, TextWriter error)
    {
        static IAnsiConsole Create(TextWriter writer)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(writer),
            });
            console.Profile.Width = 240;
            return console;
        }

        return new CliConsole(output, error, Create(output), Create(error));
    }
}
