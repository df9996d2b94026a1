using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PosOps.ServiceDefaults.Configuration;

/// <summary>
/// An options class that checks itself. Each problem names the setting and the expected form,
/// so a bad deployment fails at start-up with a message an operator can act on.
/// </summary>
public interface IValidatedOptions
{
    /// <summary>Problems with the current values; empty when valid.</summary>
    IEnumerable<string> Validate();
}

/// <summary>Registration of <see cref="IValidatedOptions"/> classes.</summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/> (appsettings, or environment
    /// variables <c>POSOPS__Section__Name</c>) and validates it when the host starts.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class, IValidatedOptions
    {
        services.AddSingleton<IValidateOptions<T>>(new SelfValidator<T>(section));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>Binds and validates options outside a host (tools, tests); throws with every problem.</summary>
    public static T GetValidated<T>(this IConfiguration configuration, string section)
        where T : class, IValidatedOptions, new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        var result = new SelfValidator<T>(section).Validate(null, options);
        return result.Failed ? throw new OptionsValidationException(section, typeof(T), result.Failures) : options;
    }

    private sealed class SelfValidator<T>(string section) : IValidateOptions<T>
        where T : class, IValidatedOptions
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = options.Validate()
                .Select(p => $"Configuration '{section}' is invalid: {p} (set it in appsettings.json or as environment variable POSOPS__{section.Replace(":", "__", StringComparison.Ordinal)}__<Name>).")
                .ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
