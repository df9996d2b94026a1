using System.Text.RegularExpressions;

namespace PosOps.IncidentService.Tests.Architecture;

/// <summary>
/// One service's feature folders and the folders each one names, read from the source: `using
/// PosOps.&lt;Service&gt;.&lt;Folder&gt;` lines and fully-qualified references alike (the same reading as
/// ../shared/tools/folder_graph.py). Files at the project root are the composition root and may name anything.
/// </summary>
internal sealed partial class FolderGraph
{
    private static readonly string[] NotFeatures = ["bin", "obj", "wwwroot", "Properties"];

    private FolderGraph(string service, IReadOnlyList<string> folders, IReadOnlyDictionary<string, HashSet<string>> edges)
    {
        Service = service;
        Folders = folders;
        Edges = edges;
    }

    public string Service { get; }

    public IReadOnlyList<string> Folders { get; }

    /// <summary>Folder → the other folders its files name.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Edges { get; }

    public IEnumerable<(string From, string To)> AllEdges =>
        Edges.SelectMany(e => e.Value.Select(to => (e.Key, to))).OrderBy(e => e.Key, StringComparer.Ordinal).ThenBy(e => e.to, StringComparer.Ordinal);

    /// <summary>Reads services/PosOps.&lt;service&gt;/ under the repository root.</summary>
    public static FolderGraph Read(string repositoryRoot, string service)
    {
        var project = Path.Combine(repositoryRoot, "services", "PosOps." + service);
        var folders = Directory.GetDirectories(project).Select(Path.GetFileName).OfType<string>()
            .Where(f => !NotFeatures.Contains(f, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var reference = new Regex(@"\bPosOps\." + Regex.Escape(service) + @"\.(\w+)\b", RegexOptions.CultureInvariant);
        var edges = folders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(project, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match m in reference.Matches(File.ReadAllText(file)))
                {
                    var to = m.Groups[1].Value;
                    if (to != folder && edges.ContainsKey(to))
                    {
                        edges[folder].Add(to);
                    }
                }
            }
        }

        return new FolderGraph(service, folders, edges);
    }

    /// <summary>The largest strongly connected set of folders over <paramref name="keep"/>'s edges (Tarjan); empty when there is no cycle.</summary>
    public IReadOnlyList<string> LargestCycle(Func<string, string, bool> keep)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        List<string> largest = [];
        var next = 0;

        void Strong(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges[v].Where(w => keep(v, w)))
            {
                if (!index.ContainsKey(w))
                {
                    Strong(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                List<string> component = [];
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1 && component.Count > largest.Count)
                {
                    largest = component;
                }
            }
        }

        foreach (var folder in Folders.Where(f => !index.ContainsKey(f)))
        {
            Strong(folder);
        }

        return [.. largest.Order(StringComparer.Ordinal)];
    }
}
