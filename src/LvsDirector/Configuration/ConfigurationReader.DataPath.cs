using YamlDotNet.RepresentationModel;

namespace LvsDirector.Configuration;

/// <summary>The data_path: section (packet workers and their CPUs).</summary>
internal sealed partial class ConfigurationReader
{
    private static readonly string[] DataPathKeys = ["workers", "cpus"];

    private DataPathConfiguration ReadDataPath(YamlNode node, string path)
    {
        var result = new DataPathConfiguration();
        var map = ReadMapping(node, path, DataPathKeys);
        if (map is null)
        {
            return result;
        }

        if (map.TryGetValue("workers", out var w))
        {
            if (w is YamlScalarNode { Value: "auto" })
            {
                result = result with { Workers = null };
            }
            else if (ReadInteger(w, Join(path, "workers"), 1, DataPathConfiguration.MaxWorkers) is { } workers)
            {
                result = result with { Workers = (int)workers };
            }
        }

        if (map.TryGetValue("cpus", out var c) && ReadSequence(c, Join(path, "cpus")) is { } items)
        {
            var cpus = new List<int>();
            for (var i = 0; i < items.Count; i++)
            {
                if (ReadInteger(items[i], $"{Join(path, "cpus")}[{i}]", 0, DataPathConfiguration.MaxCpu) is { } cpu)
                {
                    cpus.Add((int)cpu);
                }
            }

            result = result with { Cpus = cpus };
        }

        return result;
    }
}
