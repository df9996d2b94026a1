using PosOps.TerminalAgent.Simulation;

namespace PosOps.TerminalAgent.Tests.Simulation;

public sealed class ScenarioTests : IDisposable
{
    private const string ValidStep = """{ "at": 0, "target": "*", "action": "paymentHostDown", "for": 30 }""";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "posops-agent-tests", Guid.NewGuid().ToString("N"));

    public ScenarioTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(folder, "scenario.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void GivenAValidFile_WhenLoaded_ThenEveryStepIsReadWithItsDefaults()
    {
        var path = Write("""
            {
              "name": "lunch rush outage",
              "steps": [
                { "at": 5, "target": "S01-T001", "action": "fault", "component": "printer", "code": "PAPER_OUT" },
                { "at": 10, "target": "S02", "action": "linkDown", "link": "wifi", "for": 60, "share": 0.5 },
                { "at": 20, "target": "*", "action": "paymentHostDown", "for": 30 },
                { "at": 30, "target": "S02", "action": "gatewayDown", "for": 45 },
                { "at": 40, "target": "S03", "action": "powerLoss" },
                { "at": 50, "target": "S03-T002", "action": "tamper" }
              ]
            }
            """);

        var scenario = Scenario.Load(path);

        Assert.Equal("lunch rush outage", scenario.Name);
        Assert.Equal(
            [
                new ScenarioStep(5, "S01-T001", ScenarioAction.Fault, Component: "printer", Code: "PAPER_OUT"),
                new ScenarioStep(10, "S02", ScenarioAction.LinkDown, For: 60, Share: 0.5, Link: "wifi"),
                new ScenarioStep(20, "*", ScenarioAction.PaymentHostDown, For: 30),
                new ScenarioStep(30, "S02", ScenarioAction.GatewayDown, For: 45),
                new ScenarioStep(40, "S03", ScenarioAction.PowerLoss),
                new ScenarioStep(50, "S03-T002", ScenarioAction.Tamper),
            ],
            scenario.Steps);
    }

    [Fact]
    public void GivenTheScenarioShippedWithTheAgent_WhenLoaded_ThenItIsValid()
    {
        var scenario = Scenario.Load(Path.Combine(AppContext.BaseDirectory, "Simulation", "scenarios", "guide-tour.json"));

        Assert.Equal(5, scenario.Steps.Count);
        Assert.Contains(scenario.Steps, s => s is { Action: ScenarioAction.LinkDown, Link: "wifi", Share: 0.75 });
    }

    [Fact]
    public void GivenAFileWithoutName_WhenLoaded_ThenTheNameIsNull()
    {
        var scenario = Scenario.Load(Write($$"""{ "steps": [ {{ValidStep}} ] }"""));

        Assert.Null(scenario.Name);
        Assert.Single(scenario.Steps);
    }

    [Theory]
    [InlineData("""{ "at": -1, "target": "*", "action": "tamper" }""", "at must be 0 or more seconds")]
    [InlineData("""{ "at": 1, "target": "*", "action": "tamper", "for": 0 }""", "for must be positive when given")]
    [InlineData("""{ "at": 1, "target": "*", "action": "tamper", "for": -5 }""", "for must be positive when given")]
    [InlineData("""{ "at": 1, "target": "*", "action": "tamper", "share": 0 }""", "share must be in (0, 1]")]
    [InlineData("""{ "at": 1, "target": "*", "action": "tamper", "share": 1.5 }""", "share must be in (0, 1]")]
    [InlineData("""{ "at": 1, "target": "*", "action": "fault", "code": "PAPER_OUT" }""", "a fault needs component and code")]
    [InlineData("""{ "at": 1, "target": "*", "action": "fault", "component": "printer" }""", "a fault needs component and code")]
    [InlineData("""{ "at": 1, "target": "*", "action": "linkDown" }""", "linkDown needs link")]
    public void GivenAnInvalidStep_WhenLoaded_ThenTheErrorNamesTheFileAndTheStepNumber(string step, string problem)
    {
        var path = Write($$"""{ "name": "bad step", "steps": [ {{ValidStep}}, {{ValidStep}}, {{step}} ] }""");

        var error = Assert.Throws<InvalidOperationException>(() => Scenario.Load(path));

        Assert.Equal($"scenario file {path}, step 3: {problem}", error.Message);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 1, "target": "*", "action": "meteorStrike" } ] }""")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 1, "action": "tamper" } ] }""")]
    [InlineData("""{ "name": "x", "steps": null }""")]
    [InlineData("""{ "name": "no steps" }""")]
    public void GivenAFileThatIsNotAScenario_WhenLoaded_ThenTheErrorNamesTheFile(string json)
    {
        var path = Write(json);

        var error = Assert.Throws<InvalidOperationException>(() => Scenario.Load(path));

        Assert.StartsWith($"scenario file {path} ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAFileThatSaysNull_WhenLoaded_ThenTheErrorSaysItHasNoSteps()
    {
        var path = Write("null");

        var error = Assert.Throws<InvalidOperationException>(() => Scenario.Load(path));

        Assert.Equal($"scenario file {path} has no steps", error.Message);
    }
}
