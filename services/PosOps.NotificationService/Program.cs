using PosOps.NotificationService;

await NotificationServiceApp.Build(args).RunAsync();
