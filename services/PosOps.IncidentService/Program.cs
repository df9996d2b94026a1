using PosOps.IncidentService;

await IncidentServiceApp.Build(args).RunAsync();
