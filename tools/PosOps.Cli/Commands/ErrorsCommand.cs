using System.CommandLine;
using System.Reflection;
using System.Text;
using PosOps.Contracts;
using RabbitMQ.Client;
using Spectre.Console;

namespace PosOps.Cli.Commands;

/// <summary>
/// <c>posops errors [--redrive]</c>: what NotificationService put in its _error queues (events that can
/// never become an alert, with MassTransit's reason), and moving them back to their queue once fixed.
/// Talks AMQP to the broker (<c>--amqp</c> or POSOPS_RABBITMQ), not to the API.
/// </summary>
public static class ErrorsCommand
{
    private const string Prefix = "posops.incidents.";

    /// <summary>Every NotificationService alert queue: one per integration-event exchange, named after it.</summary>
    public static IReadOnlyList<string> Queues { get; } = [.. typeof(WireNames).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.Name.EndsWith("Exchange", StringComparison.Ordinal))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(name => WireNames.NotificationQueue + "." + name[Prefix.Length..])
        .Distinct(StringComparer.Ordinal)];

    public static Command Create(Globals globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var amqp = new Option<string>("--amqp") { Description = "Broker URI (env POSOPS_RABBITMQ, default amqp://posops:posops@127.0.0.1:27672/)", HelpName = "uri" };
        var redrive = new Option<bool>("--redrive") { Description = "Move every listed message back to the queue it failed in (NotificationService takes it again)" };
        var command = new Command("errors", "List NotificationService's _error queues (event, reason), or re-drive them") { amqp, redrive };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var uri = parse.GetValue(amqp) ?? Environment.GetEnvironmentVariable("POSOPS_RABBITMQ") ?? "amqp://posops:posops@127.0.0.1:27672/";
            var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "posops-cli" };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            var table = new Table().AddColumns("queue", "message id", "reason", parse.GetValue(redrive) ? "re-driven" : "since");
            var count = 0;
            foreach (var queue in Queues)
            {
                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                var error = queue + "_error";
                try
                {
                    await channel.QueueDeclarePassiveAsync(error, cancellationToken);
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    continue; // never had an error: MassTransit declares it at the first
                }

                count += await DrainAsync(channel, queue, error, parse.GetValue(redrive), table, cancellationToken);
            }

            globals.Console.Screen.Write(table);

            await globals.Console.Out.WriteLineAsync($"{count} message(s) in the _error queues{(parse.GetValue(redrive) ? ", moved back" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    // Listing takes each message and gives it back (requeued) at the end; re-driving publishes it to its queue first.
    private static async Task<int> DrainAsync(IChannel channel, string queue, string error, bool redrive, Table table, CancellationToken cancellationToken)
    {
        var count = 0;
        while (await channel.BasicGetAsync(error, autoAck: false, cancellationToken) is { } message)
        {
            count++;
            var reason = Header(message.BasicProperties, "MT-Fault-Message") ?? Header(message.BasicProperties, WireNames.ReasonHeader) ?? "";
            table.AddRow(Markup.Escape(queue), Markup.Escape(message.BasicProperties.MessageId ?? "-"), Markup.Escape(reason),
                Markup.Escape(redrive ? "yes" : Header(message.BasicProperties, "MT-Fault-Timestamp") ?? ""));
            if (redrive)
            {
                var properties = new BasicProperties(message.BasicProperties)
                {
                    Headers = message.BasicProperties.Headers?.Where(h => !h.Key.StartsWith("MT-Fault", StringComparison.Ordinal) && !h.Key.StartsWith("MT-Reason", StringComparison.Ordinal))
                        .ToDictionary(h => h.Key, h => h.Value),
                };
                await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, message.Body, cancellationToken);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            }
        }

        if (!redrive && count > 0)
        {
            await channel.BasicNackAsync(0, multiple: true, requeue: true, cancellationToken);
        }

        return count;
    }

    private static string? Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                null => null,
                _ => value.ToString(),
            }
            : null;
}
