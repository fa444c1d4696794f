using YamlDotNet.RepresentationModel;

namespace LvsDirector.Configuration;

/// <summary>The metrics: section, kept apart so the main reader stays untouched by it.</summary>
internal sealed partial class ConfigurationReader
{
    private static readonly string[] MetricsKeys = ["listen", "path", "status_page"];

    private MetricsConfiguration? ReadMetrics(YamlNode node, string path)
    {
        var map = ReadMapping(node, path, MetricsKeys);
        if (map is null)
        {
            return null;
        }

        if (!map.TryGetValue("listen", out var listenNode))
        {
            Add(node.Start, Join(path, "listen"), "is required when 'metrics' is present, e.g. listen: 127.0.0.1:9103");
            return null;
        }

        if (ReadString(listenNode, Join(path, "listen"), required: true) is not { } listenText)
        {
            return null;
        }

        var problem = MetricsConfiguration.ParseListen(listenText, out var endpoint);
        if (problem is not null || endpoint is null)
        {
            Add(listenNode.Start, Join(path, "listen"), problem ?? "is invalid");
            return null;
        }

        var result = new MetricsConfiguration { Listen = endpoint };
        if (map.TryGetValue("path", out var p) && ReadString(p, Join(path, "path"), required: true) is { } metricsPath)
        {
            var pathProblem = MetricsConfiguration.ValidatePath(metricsPath);
            if (pathProblem is null)
            {
                result = result with { Path = metricsPath };
            }
            else
            {
                Add(p.Start, Join(path, "path"), pathProblem);
            }
        }

        if (map.TryGetValue("status_page", out var s) && ReadBoolean(s, Join(path, "status_page")) is { } statusPage)
        {
            result = result with { StatusPage = statusPage };
        }

        return result;
    }
}
