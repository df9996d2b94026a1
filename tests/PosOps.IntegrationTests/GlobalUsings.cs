global using PosOps.IntegrationTests.Infrastructure;
