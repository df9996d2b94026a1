namespace PosOps.IncidentService.Tests.Architecture;

/// <summary>
/// allowed-dependencies.txt, the one place that says which folder edges are right. Three kinds of line,
/// each with a reason after '#':
/// <code>
/// Service: kernel Folder       # the kernel: depends on no feature, every folder may depend on it
/// Service: shared Folder       # shared infrastructure: same rule as the kernel
/// Service: From -> To          # one feature edge decided to be right
/// </code>
/// A reason that starts with "TODO" marks an edge that is being removed; it is tolerated, also in a cycle.
/// </summary>
internal sealed record DependencyRules(IReadOnlyList<DependencyRules.Line> Lines)
{
    public const string FileName = "allowed-dependencies.txt";

    public sealed record Line(int Number, string Service, string Kind, string From, string To, string Reason)
    {
        public bool IsTodo => Reason.StartsWith("TODO", StringComparison.Ordinal);

        public override string ToString() => $"line {Number}: {Service}: {(Kind == Edge ? $"{From} -> {To}" : $"{Kind} {From}")}  # {Reason}";
    }

    public const string Kernel = "kernel";
    public const string Shared = "shared";
    public const string Edge = "edge";

    public static DependencyRules Read(string path)
    {
        List<Line> lines = [];
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var text = raw.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var hash = text.IndexOf('#', StringComparison.Ordinal);
            var reason = hash < 0 ? "" : text[(hash + 1)..].Trim();
            var rule = (hash < 0 ? text : text[..hash]).Trim();
            var colon = rule.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new FormatException($"{FileName} line {number}: expected 'Service: ...', got '{raw}'");
            }

            var service = rule[..colon].Trim();
            var body = rule[(colon + 1)..].Trim();
            var words = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            lines.Add(words switch
            {
                [Kernel or Shared, var folder] => new Line(number, service, words[0], folder, folder, reason),
                [var from, "->", var to] => new Line(number, service, Edge, from, to, reason),
                _ => throw new FormatException($"{FileName} line {number}: expected 'kernel F', 'shared F' or 'From -> To', got '{body}'"),
            });
        }

        return new DependencyRules(lines);
    }

    public IEnumerable<Line> For(string service) => Lines.Where(l => l.Service == service);

    /// <summary>The kernel and shared folders of a service: every folder may depend on them, they depend only on each other.</summary>
    public HashSet<string> Foundation(string service) =>
        [.. For(service).Where(l => l.Kind is Kernel or Shared).Select(l => l.From)];

    public Line? Allowed(string service, string from, string to) =>
        For(service).FirstOrDefault(l => l.Kind == Edge && l.From == from && l.To == to);
}
