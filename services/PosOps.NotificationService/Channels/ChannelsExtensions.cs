using PosOps.ServiceDefaults.Configuration;

namespace PosOps.NotificationService.Channels;

public static class ChannelsExtensions
{
    /// <summary>Every way of reaching people (webhook, chat robots, SMS, email), each an <see cref="IAlertChannel"/>.</summary>
    public static IHostApplicationBuilder AddChannels(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<WebhookOptions>(WebhookOptions.Section);
        builder.Services.AddValidatedOptions<SmtpOptions>(SmtpOptions.Section);

        builder.Services.AddHttpClient(nameof(IAlertChannel));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<WebhookChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<SlackChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<DingTalkChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<WeComChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<FeishuChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel>(sp => ActivatorUtilities.CreateInstance<SmsChannel>(sp, Http(sp)));
        builder.Services.AddSingleton<IAlertChannel, EmailChannel>();
        return builder;
    }

    private static HttpClient Http(IServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(IAlertChannel));
}
