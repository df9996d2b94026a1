using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using PosOps.Contracts.Commands;
using PosOps.IncidentService.Incidents;

namespace PosOps.IncidentService.Runbooks;

/// <summary>A runbook file that cannot be used; the message names file, step and problem.</summary>
public sealed class RunbookValidationException(IReadOnlyList<string> problems)
    : Exception("Runbooks are invalid:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Every runbook, by the fault codes it handles. Built only from files that passed validation.</summary>
public sealed partial class RunbookLibrary
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly FrozenSet<string> Placeholders =
        FrozenSet.ToFrozenSet(["deviceId", "storeId", "storeName", "model", "serial", "location", "isp", "lineId", "faultCode"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> Links = FrozenSet.ToFrozenSet(["wifi", "ethernet", "cellular", "hotspot"], StringComparer.Ordinal);

    private readonly FrozenDictionary<string, Runbook> byFault;

    private RunbookLibrary(IReadOnlyList<Runbook> runbooks)
    {
        Runbooks = runbooks;
        byFault = runbooks.SelectMany(r => r.Faults.Select(f => (f, r))).ToFrozenDictionary(p => p.f, p => p.r, StringComparer.Ordinal);
    }

    public IReadOnlyList<Runbook> Runbooks { get; }

    public Runbook? For(string faultCode) => byFault.GetValueOrDefault(faultCode);

    public Runbook? ById(string id) => Runbooks.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal));

    /// <summary>The wire name of a command kind as runbook files spell it (switch-network).</summary>
    public static string CommandName(CommandKind kind) => KebabRegex().Replace(kind.ToString(), "-$1").ToLowerInvariant();

    public static bool TryParseCommand(string? name, out CommandKind kind)
    {
        kind = default;
        foreach (var k in Enum.GetValues<CommandKind>())
        {
            if (string.Equals(CommandName(k), name, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        }

        return false;
    }

    /// <summary>Loads every *.json file of <paramref name="folder"/>; throws with every problem found.</summary>
    public static RunbookLibrary Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new RunbookValidationException([$"runbook folder '{folder}' does not exist"]);
        }

        var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        return FromFiles(files.Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
    }

    /// <summary>Parses and validates (file name, JSON) pairs.</summary>
    public static RunbookLibrary FromFiles(IEnumerable<(string File, string Json)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var problems = new List<string>();
        var runbooks = new List<Runbook>();
        foreach (var (file, json) in files)
        {
            try
            {
                var runbook = JsonSerializer.Deserialize<Runbook>(json, Json);
                if (runbook is null)
                {
                    problems.Add($"{file}: the file holds no runbook");
                    continue;
                }

                runbook = runbook with { File = file };
                var own = Validate(runbook).ToList();
                problems.AddRange(own);
                if (own.Count == 0)
                {
                    runbooks.Add(runbook);
                }
            }
            catch (JsonException e)
            {
                problems.Add($"{file}: not a valid runbook: {e.Message}");
            }
        }

        foreach (var duplicate in runbooks.GroupBy(r => r.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{string.Join(", ", duplicate.Select(r => r.File))}: runbook id '{duplicate.Key}' is used more than once");
        }

        foreach (var fault in runbooks.SelectMany(r => r.Faults.Select(f => (Fault: f, r.File))).GroupBy(p => p.Fault, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{string.Join(", ", fault.Select(p => p.File))}: fault '{fault.Key}' has more than one runbook");
        }

        if (problems.Count > 0)
        {
            throw new RunbookValidationException(problems);
        }

        return new RunbookLibrary(runbooks);
    }

    /// <summary>Fault codes that have no runbook (the service starts, but says so).</summary>
    public IReadOnlyList<string> Uncovered() => [.. FaultCatalogue.Codes.Where(c => For(c) is null)];

    private static IEnumerable<string> Validate(Runbook r)
    {
        var where = r.File;
        if (string.IsNullOrWhiteSpace(r.Id))
        {
            yield return $"{where}: 'id' is missing";
        }

        if (r.Faults is not { Count: > 0 })
        {
            yield return $"{where}: 'faults' must name at least one fault code";
        }
        else
        {
            foreach (var fault in r.Faults.Where(f => !FaultCatalogue.Codes.Contains(f)))
            {
                yield return $"{where}: fault '{fault}' is not in the fault catalogue ({string.Join(", ", FaultCatalogue.Codes)})";
            }
        }

        foreach (var problem in Texts($"{where}: 'title'", r.Title))
        {
            yield return problem;
        }

        if (r.CustomerNotice is not null)
        {
            foreach (var problem in Texts($"{where}: 'customerNotice'", r.CustomerNotice))
            {
                yield return problem;
            }
        }

        if (r.Faults?.Any(f => f is FaultCatalogue.StoreOutage or FaultCatalogue.PlatformOutage) == true && r.Steps?.Any(s => s.Kind == RunbookStep.Automatic) == true)
        {
            yield return $"{where}: a store or platform runbook cannot have automatic steps (there is no single terminal to command)";
        }

        if (r.Steps is not { Count: > 0 })
        {
            yield return $"{where}: 'steps' must hold at least one step";
            yield break;
        }

        var ids = r.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (step, index) in r.Steps.Select((s, i) => (s, i)))
        {
            var at = $"{where}: step {index + 1} '{step.Id}'";
            if (string.IsNullOrWhiteSpace(step.Id))
            {
                yield return $"{where}: step {index + 1} has no 'id'";
            }
            else if (r.Steps.Count(s => string.Equals(s.Id, step.Id, StringComparison.Ordinal)) > 1)
            {
                yield return $"{at}: the id is used by more than one step";
            }

            foreach (var problem in Texts($"{at}: 'text'", step.Text).Concat(StepProblems(at, step)))
            {
                yield return problem;
            }

            foreach (var (name, target) in new[] { ("onSuccess", step.OnSuccess), ("onFailure", step.OnFailure) })
            {
                if (target is not null and not RunbookStep.Next and not RunbookStep.End and not RunbookStep.Escalate && !ids.Contains(target))
                {
                    yield return $"{at}: '{name}' is '{target}', which is neither next, end, escalate nor a step of this runbook";
                }
                else if (string.Equals(target, step.Id, StringComparison.Ordinal))
                {
                    yield return $"{at}: '{name}' points at the step itself";
                }
            }
        }
    }

    private static IEnumerable<string> StepProblems(string at, RunbookStep step)
    {
        switch (step.Kind)
        {
            case RunbookStep.Automatic:
                if (!TryParseCommand(step.Command, out var kind))
                {
                    yield return $"{at}: automatic step needs 'command', one of {string.Join(", ", Enum.GetValues<CommandKind>().Select(CommandName))} (got '{step.Command}')";
                }
                else if (kind == CommandKind.SwitchNetwork && (step.Network is null || !Links.Contains(step.Network)))
                {
                    yield return $"{at}: switch-network needs 'network', one of {string.Join(", ", Links)} (got '{step.Network}')";
                }
                else if (kind != CommandKind.SwitchNetwork && step.Network is not null)
                {
                    yield return $"{at}: 'network' only applies to switch-network";
                }

                if (step.TimeoutSeconds <= 0)
                {
                    yield return $"{at}: automatic step needs 'timeoutSeconds' > 0 (how long to wait for the terminal's answer)";
                }

                if (step.SettleSeconds < 0)
                {
                    yield return $"{at}: 'settleSeconds' must not be negative";
                }

                break;
            case RunbookStep.Manual or RunbookStep.ContactKind:
                if (step.TimeoutSeconds <= 0)
                {
                    yield return $"{at}: {step.Kind} step needs 'timeoutSeconds' > 0 (when it is overdue and escalates)";
                }

                if (step.Kind == RunbookStep.ContactKind && step.Contact is not (RunbookStep.Vendor or RunbookStep.Isp))
                {
                    yield return $"{at}: contact step needs 'contact': vendor or isp (got '{step.Contact}')";
                }

                break;
            case RunbookStep.Continuity:
                if (step.Action is not (RunbookStep.BackupTerminal or RunbookStep.OfflineMode))
                {
                    yield return $"{at}: continuity step needs 'action': {RunbookStep.BackupTerminal} or {RunbookStep.OfflineMode} (got '{step.Action}')";
                }

                break;
            default:
                yield return $"{at}: 'kind' is '{step.Kind}'; expected automatic, manual, contact or continuity";
                break;
        }
    }

    private static IEnumerable<string> Texts(string at, LocalizedText? text)
    {
        if (text is null)
        {
            yield return $"{at} is missing (it needs en and zh-CN)";
            yield break;
        }

        if (string.IsNullOrWhiteSpace(text.En))
        {
            yield return $"{at} has no 'en' text";
        }

        if (string.IsNullOrWhiteSpace(text.ZhCn))
        {
            yield return $"{at} has no 'zh-CN' text";
        }

        foreach (var placeholder in new[] { text.En, text.ZhCn }.SelectMany(t => PlaceholderRegex().Matches(t ?? "")).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal))
        {
            if (!Placeholders.Contains(placeholder))
            {
                yield return $"{at} uses '{{{placeholder}}}', which is not one of {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))}";
            }
        }
    }

    /// <summary>Fills {model}, {serial}, {lineId}… from the registry; unknown values read "unknown".</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string?> values) =>
        PlaceholderRegex().Replace(template, m => values.GetValueOrDefault(m.Groups[1].Value) is { Length: > 0 } v ? v : "unknown");

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PlaceholderRegex();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex KebabRegex();
}
