using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

/// <summary>
/// twos's guided look-up must give exactly the kernel's walk (r -= w; r &lt;= 0 picks) for every draw, and its
/// fast remainder exactly random % (total + 1).
/// </summary>
public class WeightPrefixTests
{
    private static int KernelWalk(int[] weights, long draw)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            draw -= weights[i];
            if (draw <= 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static WeightPrefix Build(int[] weights) =>
        WeightPrefix.Create(weights.Select((w, i) => (SchedulerDestination)new TestDestination("d" + i, w)).ToArray());

    public static TheoryData<string> Shapes() => ["uniform", "small", "skewed", "heavy", "ones", "single", "max"];

    private static int[] Weights(string shape, Random random) => shape switch
    {
        "uniform" => Enumerable.Range(0, 1000).Select(i => 1 + (i % 5)).ToArray(),
        "small" => Enumerable.Range(0, 37).Select(_ => random.Next(1, 100)).ToArray(),
        "skewed" => Enumerable.Range(0, 2000).Select(i => i % 97 == 0 ? 65535 : 1).ToArray(),
        "heavy" => Enumerable.Range(0, 500).Select(i => i == 250 ? 65535 : random.Next(1, 3)).ToArray(),
        "ones" => Enumerable.Repeat(1, 4097).ToArray(),
        "single" => [7],
        _ => Enumerable.Range(0, 300).Select(_ => random.Next(60000, 65536)).ToArray(),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryDrawFindsTheKernelsPick(string shape)
    {
        var random = new Random(shape.GetHashCode(StringComparison.Ordinal));
        var weights = Weights(shape, random);
        var prefix = Build(weights);
        long total = weights.Sum(w => (long)w);
        Assert.Equal(total + 1, prefix.Range);

        // Exhaustive where small, else every bucket edge region plus random draws.
        var draws = total <= 200_000
            ? Enumerable.Range(0, (int)total + 1).Select(d => (long)d)
            : Enumerable.Range(0, 200_000).Select(_ => random.NextInt64(0, total + 1)).Append(0).Append(total);
        foreach (long draw in draws)
        {
            int expected = Math.Max(0, KernelWalk(weights, draw));
            Assert.Equal(expected, prefix.Find(draw));
        }
    }

    [Theory]
    [InlineData(2L)]
    [InlineData(3L)]
    [InlineData(4097L)]
    [InlineData(65536L)]
    [InlineData(3_000_001L)]
    [InlineData(4_294_967_295L)]
    public void DrawIsTheRemainder(long range)
    {
        // One destination whose weight makes the range; draws must equal random % range for all 32-bit inputs.
        var prefix = Build([(int)Math.Min(range - 1, int.MaxValue)]);
        long actualRange = prefix.Range;
        var random = new Random(5);
        foreach (uint value in Enumerable.Range(0, 100_000).Select(_ => (uint)random.NextInt64(0, 1L << 32)).Concat([0u, 1u, uint.MaxValue, uint.MaxValue - 1]))
        {
            Assert.Equal((long)(value % (ulong)actualRange), prefix.Draw(value));
        }
    }
}
