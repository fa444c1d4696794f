namespace LvsDirector.Tests.Packets;

/// <summary>One frame from a Golden/*.hex file: the comment line naming the tool and what it is, and the bytes.</summary>
internal sealed record GoldenFrame(string File, string Description, byte[] Bytes)
{
    public override string ToString() => $"{File}: {Description}";

    public static IReadOnlyList<GoldenFrame> Load(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Packets", "Golden", fileName);
        var frames = new List<GoldenFrame>();
        string description = "";
        foreach (string rawLine in System.IO.File.ReadLines(path))
        {
            string line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                description = line.TrimStart('#', ' ');
                continue;
            }

            frames.Add(new GoldenFrame(fileName, description, Convert.FromHexString(line)));
        }

        return frames;
    }

    public static IEnumerable<GoldenFrame> All() =>
        new[] { "arp.hex", "icmp.hex", "tcp.hex", "udp.hex", "vlan.hex", "scapy.hex", "offload.hex" }.SelectMany(Load);
}
