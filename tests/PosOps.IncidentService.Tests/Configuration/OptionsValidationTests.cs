using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PosOps.IncidentService.AgentInbox;
using PosOps.ServiceDefaults.Configuration;
using PosOps.ServiceDefaults.Messaging;
using PosOps.ServiceDefaults.Postgres;

namespace PosOps.IncidentService.Tests.Configuration;

public class OptionsValidationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void GivenNoSettings_WhenValidated_ThenTheDefaultsPointAtTheLocalServers()
    {
        var config = Config();

        Assert.Equal("posops", config.GetValidated<PostgresOptions>(PostgresOptions.Section).ConnectionString.Split("Database=")[1]);
        Assert.Equal(27672, config.GetValidated<RabbitMqOptions>(RabbitMqOptions.Section).ParsedUri.Port);
        Assert.Equal(500, config.GetValidated<AgentInboxOptions>(AgentInboxOptions.Section).BatchSize);
    }

    [Fact]
    public void GivenAnHttpBrokerUri_WhenValidated_ThenTheMessageNamesTheSettingAndTheExpectedForm()
    {
        var config = Config(("RabbitMq:Uri", "http://broker:15672"));

        var error = Assert.Throws<OptionsValidationException>(() => config.GetValidated<RabbitMqOptions>(RabbitMqOptions.Section));

        Assert.Contains("amqp://user:password@host:5672/vhost", error.Message, StringComparison.Ordinal);
        Assert.Contains("POSOPS__RabbitMq__", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAZeroBatchSize_WhenValidated_ThenRefusedWithTheRange()
    {
        var config = Config(("AgentInbox:BatchSize", "0"));

        var error = Assert.Throws<OptionsValidationException>(() => config.GetValidated<AgentInboxOptions>(AgentInboxOptions.Section));

        Assert.Contains("BatchSize must be 1-5000, got 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAVhostInTheUri_ThenItIsUnescapedForTheClient()
    {
        var options = Config(("RabbitMq:Uri", "amqp://u:p%40ss@127.0.0.1:5672/tests%2Fone")).GetValidated<RabbitMqOptions>(RabbitMqOptions.Section);

        Assert.Equal("tests/one", options.VirtualHost);
        Assert.Equal(("u", "p@ss"), options.Credentials);
    }
}
