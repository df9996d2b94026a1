namespace PosOps.IncidentService.Tests.Architecture;

/// <summary>
/// Features depend on a kernel, not on each other (STYLE (a), DESIGN "Inside a service"). Reads the
/// source of every service and fails on any folder edge that allowed-dependencies.txt does not name.
/// </summary>
public sealed class FeatureDependencyTests
{
    private static readonly string[] ServiceNames = ["IncidentService", "NotificationService", "TerminalAgent"];

    public static TheoryData<string> Services => new(ServiceNames);

    private static readonly string Root = RepositoryRoot();

    private static readonly DependencyRules Rules =
        DependencyRules.Read(Path.Combine(Root, "tests", "PosOps.IncidentService.Tests", "Architecture", DependencyRules.FileName));

    [Theory]
    [MemberData(nameof(Services))]
    public void GivenService_WhenFeatureFoldersAreRead_ThenEachDependsOnlyOnTheKernelSharedOrAllowedFolders(string service)
    {
        var graph = FolderGraph.Read(Root, service);
        var foundation = Rules.Foundation(service);
        var wrong = graph.AllEdges
            .Where(e => !Permitted(service, foundation, e.From, e.To))
            .Select(e => foundation.Contains(e.From) ? $"{e.From} -> {e.To} (the kernel or shared {e.From} names a feature)" : $"{e.From} -> {e.To}")
            .ToList();
        Assert.True(wrong.Count == 0,
            $"{service}: feature folders must depend on the kernel, not on each other. Move the shared thing into the kernel, or react to an event; " +
            $"if the edge is right, add '{service}: From -> To  # reason' to {DependencyRules.FileName}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", wrong));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void GivenService_WhenEdgesBeingRemovedAreSetAside_ThenTheFolderGraphHasNoCycle(string service)
    {
        var graph = FolderGraph.Read(Root, service);
        var cycle = graph.LargestCycle((from, to) => Rules.Allowed(service, from, to) is not { IsTodo: true });
        Assert.True(cycle.Count == 0, $"{service}: folders depend on each other in a cycle: {string.Join(", ", cycle)}");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void GivenAllowList_WhenComparedWithTheSource_ThenEveryLineHasAReasonAndNamesWhatExists(string service)
    {
        var graph = FolderGraph.Read(Root, service);
        var foundation = Rules.Foundation(service);
        var stale = Rules.For(service).Where(l =>
                l.Reason.Length == 0
                || !graph.Folders.Contains(l.From) || !graph.Folders.Contains(l.To)
                || (l.Kind == DependencyRules.Edge && (!graph.Edges[l.From].Contains(l.To) || foundation.Contains(l.To))))
            .ToList();
        Assert.True(stale.Count == 0,
            $"{DependencyRules.FileName}: lines without a reason, naming a missing folder, an edge that is gone or one to a kernel/shared folder (delete them):{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", stale));
    }

    [Fact]
    public void GivenAllowList_WhenRead_ThenOnlyKnownServicesAreNamed() =>
        Assert.All(Rules.Lines, l => Assert.Contains(l.Service, ServiceNames));

    /// <summary>
    /// An edge is right when it points at the kernel or shared infrastructure (which themselves may only point at
    /// each other) or the allow-list names it; the kernel and shared folders may name a feature only while a TODO
    /// line says the edge is being removed.
    /// </summary>
    private static bool Permitted(string service, HashSet<string> foundation, string from, string to)
    {
        if (foundation.Contains(to))
        {
            return true;
        }

        var line = Rules.Allowed(service, from, to);
        return line is not null && (!foundation.Contains(from) || line.IsTodo);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PosOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PosOps.sln not found above " + AppContext.BaseDirectory);
    }
}
