using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Runbooks;

namespace PosOps.IncidentService.Tests.Runbooks;

public class RunbookLibraryTests
{
    private const string Good = """
        { "id": "printer", "faults": ["PAPER_OUT"], "title": { "en": "Printer", "zh-CN": "打印机" },
          "steps": [ { "id": "check-paper", "kind": "manual", "timeoutSeconds": 60, "text": { "en": "Check paper", "zh-CN": "检查打印纸" } } ] }
        """;

    [Fact]
    public void GivenTheShippedRunbooks_WhenLoaded_ThenEveryCatalogueCodeHasOne_AndEveryTextSpeaksBothLanguages()
    {
        var library = RunbookSpec.Library;

        Assert.Empty(library.Uncovered());
        Assert.All(FaultCatalogue.Codes, code => Assert.NotNull(library.For(code)));
        Assert.All(library.Runbooks.SelectMany(r => r.Steps), s => Assert.False(string.IsNullOrWhiteSpace(s.Text.En) || string.IsNullOrWhiteSpace(s.Text.ZhCn)));
    }

    [Fact]
    public void GivenAGoodFile_WhenLoaded_ThenItServesItsFault()
    {
        var library = RunbookLibrary.FromFiles([("printer.json", Good)]);

        Assert.Equal("printer", library.For("PAPER_OUT")!.Id);
        Assert.Null(library.For("PAPER_JAM"));
    }

    [Theory]
    [InlineData("""{ "id": "x", "faults": ["PAPER_OUT"], "title": { "en": "X" }, "steps": [ { "id": "a", "kind": "manual", "timeoutSeconds": 5, "text": { "en": "a", "zh-CN": "甲" } } ] }""",
        "bad.json: 'title' has no 'zh-CN' text")]
    [InlineData("""{ "id": "x", "faults": ["NOT_A_CODE"], "title": { "en": "X", "zh-CN": "X" }, "steps": [ { "id": "a", "kind": "manual", "timeoutSeconds": 5, "text": { "en": "a", "zh-CN": "甲" } } ] }""",
        "bad.json: fault 'NOT_A_CODE' is not in the fault catalogue")]
    [InlineData("""{ "id": "x", "faults": ["PAPER_OUT"], "title": { "en": "X", "zh-CN": "X" }, "steps": [ { "id": "reboot", "kind": "automatic", "command": "reboot", "timeoutSeconds": 5, "text": { "en": "a", "zh-CN": "甲" } } ] }""",
        "bad.json: step 1 'reboot': automatic step needs 'command', one of restart, switch-network")]
    [InlineData("""{ "id": "x", "faults": ["PAPER_OUT"], "title": { "en": "X", "zh-CN": "X" }, "steps": [ { "id": "sw", "kind": "automatic", "command": "switch-network", "timeoutSeconds": 5, "text": { "en": "a", "zh-CN": "甲" } } ] }""",
        "bad.json: step 1 'sw': switch-network needs 'network'")]
    [InlineData("""{ "id": "x", "faults": ["PAPER_OUT"], "title": { "en": "X", "zh-CN": "X" }, "steps": [ { "id": "a", "kind": "manual", "text": { "en": "a", "zh-CN": "甲" } } ] }""",
        "bad.json: step 1 'a': manual step needs 'timeoutSeconds' > 0")]
    [InlineData("""{ "id": "x", "faults": ["PAPER_OUT"], "title": { "en": "X", "zh-CN": "X" }, "steps": [ { "id": "a", "kind": "manual", "timeoutSeconds": 5, "onFailure": "nowhere", "text": { "en": "a", "zh-CN": "甲" } } ] }""",
        "bad.json: step 1 'a': 'onFailure' is 'nowhere', which is neither next, end, escalate nor a step of this runbook")]
    [InlineData("""{ "id": "x", "faults": ["PAPER_OUT"], "title": { "en": "X", "zh-CN": "X" }, "steps": [ { "id": "a", "kind": "contact", "contact": "vendor", "timeoutSeconds": 5, "text": { "en": "Call about {imei}", "zh-CN": "甲" } } ] }""",
        "bad.json: step 1 'a': 'text' uses '{imei}'")]
    [InlineData("""{ "id": "x", "faults": ["STORE_OUTAGE"], "title": { "en": "X", "zh-CN": "X" }, "steps": [ { "id": "r", "kind": "automatic", "command": "restart", "timeoutSeconds": 5, "text": { "en": "a", "zh-CN": "甲" } } ] }""",
        "bad.json: a store or platform runbook cannot have automatic steps")]
    [InlineData("""{ "id": "x", "faults": ["PAPER_OUT"], "title": { "en": "X", "zh-CN": "X" }, "steps": [], "colour": "red" }""",
        "bad.json: not a valid runbook")]
    public void GivenABadFile_WhenLoaded_ThenTheStartStopsWithAMessageNamingFileStepAndProblem(string json, string expected)
    {
        var error = Assert.Throws<RunbookValidationException>(() => RunbookLibrary.FromFiles([("bad.json", json)]));

        Assert.Contains(error.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void GivenTwoFilesForOneFault_WhenLoaded_ThenBothAreNamed()
    {
        var error = Assert.Throws<RunbookValidationException>(() => RunbookLibrary.FromFiles([("a.json", Good), ("b.json", Good.Replace("\"printer\"", "\"printer-2\"", StringComparison.Ordinal))]));

        Assert.Contains("a.json, b.json: fault 'PAPER_OUT' has more than one runbook", error.Problems);
    }

    [Fact]
    public void GivenAMissingFolder_WhenLoaded_ThenItSaysWhichFolder()
    {
        var error = Assert.Throws<RunbookValidationException>(() => RunbookLibrary.Load("/nonexistent/runbooks"));

        Assert.Contains("/nonexistent/runbooks", error.Message, StringComparison.Ordinal);
    }
}
