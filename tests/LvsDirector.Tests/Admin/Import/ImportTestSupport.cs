using System.Globalization;
using System.Text.RegularExpressions;
using LvsDirector.Admin.Import;
using LvsDirector.Configuration;

namespace LvsDirector.Tests.Admin.Import;

/// <summary>Loads importer output with lvsd's own loader, after the hand edits the operator is told to make.</summary>
internal static partial class ImportTestSupport
{
    /// <summary>Uncomments each firewall_marks placeholder with a real destination, as the operator would.</summary>
    public static string FillMarkPlaceholders(string yaml, string destination = "198.18.0.100/32") =>
        MarkPlaceholder().Replace(yaml, match => string.Create(CultureInfo.InvariantCulture, $"  - {{ mark: {match.Groups[1].Value}, protocol: any, destination: {destination} }}"));

    /// <summary>Loads the YAML whole, health checks and sorry servers included, as lvsd would.</summary>
    public static DirectorConfiguration Load(string yaml)
    {
        var result = ConfigurationLoader.LoadFromText(FillMarkPlaceholders(yaml), "imported.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors) + "\n---\n" + yaml);
        Assert.Empty(result.Errors);
        return result.Configuration;
    }

    /// <summary>The services part of the written YAML.</summary>
    public static string ServicesYaml(ImportedConfiguration imported)
    {
        var yaml = LvsdYamlWriter.Write(imported);
        return yaml[yaml.IndexOf("services:", StringComparison.Ordinal)..];
    }

    public static List<string> Warnings(ImportedConfiguration imported) => imported.OrderedWarnings().Select(w => w.ToString()).ToList();

    [GeneratedRegex(@"^  # - \{ mark: (\d+), protocol: any, destination: VIP/32 \}$", RegexOptions.Multiline)]
    private static partial Regex MarkPlaceholder();
}
