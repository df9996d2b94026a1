using System.CommandLine;
using System.Text;
using PosOps.Contracts;
using RabbitMQ.Client;
using Spectre.Console;

namespace PosOps.Cli.Commands;

/// <summary>
/// <c>posops errors [--redrive]</c>: what NotificationService put in its error queue (incident events that
/// can never become an alert, with the reason), and moving them back to the partition they failed in once
/// fixed. Talks AMQP to the broker (<c>--amqp</c> or POSOPS_RABBITMQ), not to the API.
/// </summary>
public static class ErrorsCommand
{
    /// <summary>When the event was moved to the error queue (ISO 8601).</summary>
    public const string FailedAtHeader = "x-posops-failed-at";

    public static Command Create(Globals globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var amqp = new Option<string>("--amqp") { Description = "Broker URI (env POSOPS_RABBITMQ, default amqp://posops:posops@127.0.0.1:27672/)", HelpName = "uri" };
        var redrive = new Option<bool>("--redrive") { Description = "Move every listed message back to the queue it failed in (NotificationService takes it again)" };
        var command = new Command("errors", $"List NotificationService's error queue {WireNames.NotificationErrorQueue} (event, reason), or re-drive it") { amqp, redrive };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var uri = parse.GetValue(amqp) ?? Environment.GetEnvironmentVariable("POSOPS_RABBITMQ") ?? "amqp://posops:posops@127.0.0.1:27672/";
            var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "posops-cli" };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            var table = new Table().AddColumns("failed in", "type", "message id", "reason", parse.GetValue(redrive) ? "re-driven" : "since");
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var count = 0;
            try
            {
                await channel.QueueDeclarePassiveAsync(WireNames.NotificationErrorQueue, cancellationToken);
                count = await DrainAsync(channel, parse.GetValue(redrive), table, cancellationToken);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                // NotificationService has not run against this broker yet: nothing can have failed.
            }

            globals.Console.Screen.Write(table);
            await globals.Console.Out.WriteLineAsync($"{count} message(s) in {WireNames.NotificationErrorQueue}{(parse.GetValue(redrive) ? ", moved back" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    // Listing takes each message and gives it back (requeued) at the end; re-driving publishes it to its queue first.
    private static async Task<int> DrainAsync(IChannel channel, bool redrive, Table table, CancellationToken cancellationToken)
    {
        var count = 0;
        while (await channel.BasicGetAsync(WireNames.NotificationErrorQueue, autoAck: false, cancellationToken) is { } message)
        {
            count++;
            var queue = Header(message.BasicProperties, WireNames.SourceQueueHeader) ?? "";
            table.AddRow(Markup.Escape(queue), Markup.Escape(message.BasicProperties.Type ?? "-"), Markup.Escape(message.BasicProperties.MessageId ?? "-"),
                Markup.Escape(Header(message.BasicProperties, WireNames.ReasonHeader) ?? ""), Markup.Escape(redrive ? "yes" : Header(message.BasicProperties, FailedAtHeader) ?? ""));
            if (redrive && queue.Length > 0)
            {
                var properties = new BasicProperties(message.BasicProperties)
                {
                    Headers = message.BasicProperties.Headers?.Where(h => h.Key is not (WireNames.ReasonHeader or WireNames.SourceQueueHeader or FailedAtHeader))
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
