namespace PosOps.IntegrationTests.Agent;

/// <summary>
/// The guide's "tell customers promptly what is happening": an incident that stops or degrades card
/// payments puts the runbook's notice on the terminal (zh-CN and en), and it goes when the incident resolves.
/// </summary>
public sealed class CustomerNoticeTests(TestServers servers) : SystemTest(servers)
{
    private const string Terminal = "S01-T001";

    protected override bool WithNotifications => false;

    [Fact]
    public async Task GivenThePrinterRunsOutOfPaper_ThenTheTerminalShowsTheRunbooksNotice_AndItIsClearedWhenThePaperIsBack()
    {
        await System.Agent.EnsureRegisteredAsync(Terminal);
        await System.Agent.EnsureRegisteredAsync("S01-T002");
        await using var agent = await RunningAgent.StartAsync(System.Environment.RabbitMqUri);
        var terminal = agent.Fleet.Find(Terminal)!;

        agent.Hardware(Terminal).Fail("printer", "PAPER_OUT");
        await Wait.UntilAsync(() => Task.FromResult(terminal.Notice is not null), TimeSpan.FromSeconds(30), "the customer notice on the terminal");

        Assert.Equal("Receipts cannot be printed at this till; card payments still work. Ask staff for an e-receipt.", terminal.Notice!.English);
        Assert.Equal("本收银台暂时无法打印小票，刷卡支付正常，如需小票请联系店员。", terminal.Notice.Chinese);
        var issued = (await System.EventsAsync(Terminal)).Single(e => e.GetProperty("type").GetString() == "command_issued" && e.GetProperty("data").GetProperty("command").GetString() == "showCustomerNotice");
        Assert.Equal("runbook:printer", issued.GetProperty("data").GetProperty("issuedBy").GetString());

        agent.Hardware(Terminal).Mend("printer");
        await Wait.UntilAsync(() => Task.FromResult(terminal.Notice is null), TimeSpan.FromSeconds(30), "the notice cleared");

        Assert.Contains(terminal.DisplayLog, line => line.EndsWith("NOTICE cleared", StringComparison.Ordinal));
        Assert.Contains("incident_resolved", await System.StreamEventTypesAsync(Terminal));
        Assert.Null(agent.Fleet.Find("S01-T002")!.Notice);
    }
}
