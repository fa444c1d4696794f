using System.Diagnostics.CodeAnalysis;

namespace LvsDirector.Configuration;

/// <summary>Either a valid configuration or every error found in the file.</summary>
public sealed class ConfigurationLoadResult
{
    private ConfigurationLoadResult(DirectorConfiguration? configuration, IReadOnlyList<ConfigurationError> errors)
    {
        Configuration = configuration;
        Errors = errors;
    }

    /// <summary>The configuration; null when <see cref="Errors"/> is not empty.</summary>
    public DirectorConfiguration? Configuration { get; }

    /// <summary>Every error, in file order; empty on success.</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }

    [MemberNotNullWhen(true, nameof(Configuration))]
    public bool Succeeded => Configuration is not null;

    public static ConfigurationLoadResult Success(DirectorConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new ConfigurationLoadResult(configuration, []);
    }

    public static ConfigurationLoadResult Failure(IReadOnlyList<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A failed load needs at least one error.", nameof(errors));
        }

        return new ConfigurationLoadResult(null, errors);
    }
}
