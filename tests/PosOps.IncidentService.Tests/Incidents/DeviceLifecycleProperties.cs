using CsCheck;
using Severity = PosOps.Contracts.Incidents.Severity;
using PosOps.IncidentService.Incidents;
using PosOps.IncidentService.Liveness;
using static PosOps.IncidentService.Tests.Incidents.DeviceSpec;

namespace PosOps.IncidentService.Tests.Incidents;

/// <summary>
/// Random histories of faults, clears, replays, heartbeats (level-triggered), silences and returns,
/// acknowledgements, mitigations, resolutions, follow-ups and closes. Whatever the order, the lifecycle's invariants hold.
/// </summary>
public class DeviceLifecycleProperties
{
    private static readonly (string Component, string Code)[] Faults = [("printer", "PAPER_OUT"), ("network", "WIFI_DOWN")];

    /// <summary>Plays a script of operation codes; refused commands are skipped, as the API would answer 409.</summary>
    private static (List<IDeviceEvent> Events, Device Live) Play(int[] script)
    {
        var live = DeviceDecider.Initial(DeviceId);
        var events = new List<IDeviceEvent>();
        var sent = new List<DeviceCommand>();
        long sequence = 0;
        var now = T0;
        foreach (var op in script)
        {
            now = now.AddMinutes(7);
            var (component, code) = Faults[op % 2];
            var known = events.OfType<IncidentOpened>().Select(o => o.IncidentId).ToList();
            var target = known.Count == 0 ? Guid.Empty : known[op % known.Count];
            var command = (op / 2) switch
            {
                0 => (DeviceCommand)new RecordFault(Guid.NewGuid(), DeviceId, StoreId, ++sequence, component, code, Severity.Degraded, now, Guid.NewGuid(), now),
                1 => new RecordFaultCleared(Guid.NewGuid(), DeviceId, StoreId, ++sequence, component, code, now, now),
                2 => sent.Count > 0 ? sent[op % sent.Count] : new AcknowledgeIncident(DeviceId, target, "ops", now), // a redelivery
                3 => new AcknowledgeIncident(DeviceId, target, "ops", now),
                4 => new MitigateIncident(DeviceId, target, "backup terminal", "ops", now),
                5 => new ResolveIncident(DeviceId, target, "ops", null, now),
                6 => new VerifyIncident(DeviceId, target, JournalEmpty: true, now),
                7 => new FailFollowUp(DeviceId, target, "still failing", now),
                8 => new CloseIncident(DeviceId, target, "ops", now),
                9 => new ReconcileHealth(Guid.NewGuid(), DeviceId, StoreId, ++sequence,
                    op % 2 == 0 ? [] : [new ReportedFault(component, code, Severity.Degraded, Guid.NewGuid())], now, now),
                _ => op % 2 == 0
                    ? new RecordSilence(DeviceId, StoreId, now.AddMinutes(-1), Guid.NewGuid(), now)
                    : new RecordDeviceBack(DeviceId, StoreId, now.AddMinutes(-5), now),
            };
            IDeviceEvent[] produced;
            try
            {
                produced = DeviceDecider.Decide(command, live);
            }
            catch (InvalidOperationException)
            {
                continue;
            }

            if (command is AgentReport)
            {
                sent.Add(command);
            }

            events.AddRange(produced);
            live = produced.Aggregate(live, DeviceDecider.Evolve);
        }

        return (events, live);
    }

    private static readonly Gen<int[]> Scripts = Gen.Int[0, 21].Array[1, 80];

    [Fact]
    public void AtMostOneIncidentInPlayPerFault() => Scripts.Sample(script =>
    {
        var (events, _) = Play(script);
        var inPlay = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var codeOf = new Dictionary<Guid, string>();
        foreach (var e in events)
        {
            switch (e)
            {
                case IncidentOpened o:
                    Assert.False(inPlay.ContainsKey(o.FaultCode), $"a second incident opened for {o.FaultCode} while {inPlay.GetValueOrDefault(o.FaultCode)} was in play");
                    inPlay[o.FaultCode] = o.IncidentId;
                    codeOf[o.IncidentId] = o.FaultCode;
                    break;
                case IncidentVerified v:
                    inPlay.Remove(codeOf[v.IncidentId]);
                    break;
            }
        }
    });

    [Fact]
    public void AFinishedIncidentNeverChanges() => Scripts.Sample(script =>
    {
        var (events, _) = Play(script);
        var verified = new HashSet<Guid>();
        var closed = new HashSet<Guid>();
        foreach (var e in events)
        {
            var id = e switch
            {
                IncidentAcknowledged a => a.IncidentId,
                IncidentMitigated m => m.IncidentId,
                IncidentResolved r => r.IncidentId,
                IncidentReopened r => r.IncidentId,
                IncidentEscalated x => x.IncidentId,
                IncidentVerified v => v.IncidentId,
                FollowUpFailed f => f.IncidentId,
                IncidentClosed c => c.IncidentId,
                _ => Guid.Empty,
            };
            Assert.False(closed.Contains(id), $"{e.GetType().Name} changed closed incident {id}");
            Assert.False(verified.Contains(id) && e is not IncidentClosed, $"{e.GetType().Name} changed verified incident {id}");
            if (e is IncidentVerified)
            {
                verified.Add(id);
            }
            else if (e is IncidentClosed)
            {
                closed.Add(id);
            }
        }
    });

    [Fact]
    public void EveryReopenIncrementsTheFlapCount() => Scripts.Sample(script =>
    {
        var (events, _) = Play(script);
        foreach (var reopens in events.OfType<IncidentReopened>().GroupBy(r => r.IncidentId))
        {
            Assert.Equal(Enumerable.Range(1, reopens.Count()), reopens.Select(r => r.FlapCount));
        }

        Assert.All(events.OfType<IncidentEscalated>().GroupBy(x => x.IncidentId), g => Assert.Single(g));
    });

    [Fact]
    public void TheStateRebuiltFromStoredEventsEqualsTheLiveState() => Scripts.Sample(script =>
    {
        var (events, live) = Play(script);

        Assert.Equal(Summary(live), Summary(DeviceDecider.Rebuild(DeviceId, events)));
    });

    /// <summary>
    /// Level-triggered reconciliation is complete: after any history (with clears lost on the way, or the
    /// agent restarted with a fresh fault set), one agreed heartbeat leaves exactly its faults in play.
    /// </summary>
    [Fact]
    public void AnAgreedHeartbeatLeavesExactlyItsFaultsInPlay() => Gen.Select(Scripts, Gen.Int[0, 3], Gen.Bool).Sample((script, picture, loseClears) =>
    {
        var played = loseClears ? [.. script.Where(op => op / 2 != 1)] : script; // a lost clear never arrives
        var (_, live) = Play(played);
        var reported = Faults.Where((_, i) => (picture & (1 << i)) != 0).ToList();
        var now = T0.AddDays(1);
        var beat = new ReconcileHealth(Guid.NewGuid(), DeviceId, StoreId, 10_000, [.. reported.Select(f => new ReportedFault(f.Component, f.Code, Severity.Degraded, Guid.NewGuid()))], now, now);

        var after = DeviceDecider.Decide(beat, live).Aggregate(live, DeviceDecider.Evolve);

        var inPlay = after.ActiveIncidents.Values.Where(i => i.Status != IncidentStatus.Resolved && i.FaultCode != DeviceDecider.Silent).Select(i => i.FaultCode).Order(StringComparer.Ordinal);
        Assert.Equal(reported.Select(f => f.Code).Order(StringComparer.Ordinal), inPlay);
    });
}
