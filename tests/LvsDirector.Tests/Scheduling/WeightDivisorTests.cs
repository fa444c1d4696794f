using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

/// <summary>The multiply-and-shift ratio must equal the division for every weight and overhead.</summary>
public class WeightDivisorTests
{
    [Fact]
    public void EveryWeightMatchesTheDivisionAtEdgeOverheads()
    {
        int[] overheads = [0, 1, 2, 255, 256, 257, 65535, 65536, int.MaxValue, int.MaxValue - 1, 1 << 30, (1 << 30) - 1, -1, -256, int.MinValue];
        for (int weight = 1; weight <= LoadKey.MaxWeight; weight++)
        {
            var divisor = new WeightDivisor(weight);
            foreach (int overhead in overheads)
            {
                Assert.Equal(LoadKey.Ratio(overhead, weight), divisor.Ratio(overhead));
            }

            // Multiples of the weight and their neighbours, where a floor that is one off would show.
            for (int k = 1; k < 4; k++)
            {
                long multiple = (long)(int.MaxValue / weight / k) * weight;
                for (long overhead = multiple - 1; overhead <= multiple + 1; overhead++)
                {
                    if (overhead is >= 0 and <= int.MaxValue)
                    {
                        Assert.Equal(LoadKey.Ratio((int)overhead, weight), divisor.Ratio((int)overhead));
                    }
                }
            }
        }
    }

    [Fact]
    public void RandomOverheadsMatchTheDivision()
    {
        var random = new Random(11);
        for (int i = 0; i < 2_000_000; i++)
        {
            int weight = i % 4 == 0 ? 1 << random.Next(17) : random.Next(1, LoadKey.MaxWeight + 1);
            int overhead = random.Next(int.MinValue, int.MaxValue);
            Assert.Equal(LoadKey.Ratio(overhead, weight), new WeightDivisor(weight).Ratio(overhead));
        }
    }
}
