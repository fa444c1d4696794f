using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

/// <summary>
/// lblcr decision by decision against <see cref="KernelLblcrReading"/> under a random workload: connections opening
/// on the chosen server and closing elsewhere, load phases light enough for sets to stay and heavy enough for them to
/// grow, overload flags, quiesced, removed and returning servers, and set shrinking after the expiration. Pools above
/// 32 servers take the block-minimum path, small ones and ones with a weight above the key limit the plain scan.
/// </summary>
public class LblcrKernelReadingTests
{
    [Theory]
    [InlineData(10, 5)]
    [InlineData(40, 5)]
    [InlineData(100, 50)]
    [InlineData(1000, 5)]
    [InlineData(100, 70_000)]
    public void DecisionsAndSetsMatchTheKernelsReading(int servers, int maxWeight)
    {
        var random = new Random((servers * 7) + maxWeight);
        var time = new ManualTimeProvider();
        var expiration = TimeSpan.FromSeconds(20);
        var scheduler = new LocalityBasedLeastConnectionReplicationScheduler(time) { Expiration = expiration };
        var kernel = new KernelLblcrReading(time, expiration);
        var weights = Enumerable.Range(0, servers).Select(_ => random.Next(1, Math.Min(maxWeight, 50) + 1)).ToArray();
        weights[servers / 2] = maxWeight; // above LoadKey.MaxWeight: the whole pool is scanned
        var all = Make(weights);
        foreach (var d in all)
        {
            d.AddActive(random.Next(0, 3 * d.Weight));
            d.AddInactive(random.Next(0, 100));
        }

        var service = new List<SchedulerDestination>(all);
        scheduler.Update(service);
        kernel.Update(service);

        const int Addresses = 48;
        for (int step = 0; step < 20_000; step++)
        {
            // Phases of 2,000 decisions: in odd ones few connections close, so servers pass their weight and sets
            // grow; in even ones connections drain and sets serve their addresses.
            bool heavy = (step / 2_000 % 2) == 1;
            uint address = 0xC6140000u + (uint)random.Next(Addresses);
            var expected = kernel.Schedule(address);
            var actual = scheduler.Schedule(new ScheduleInput(0xC6130001u, address, 40000, 80, 6));
            Assert.True(ReferenceEquals(expected, actual), $"step {step}, {address:x}: kernel {expected} lblcr {actual}");
            actual?.AddActive(1);
            for (int close = heavy ? random.Next(0, 2) : random.Next(1, 4); close > 0; close--)
            {
                var d = all[random.Next(all.Length)];
                if (d.ActiveConnections > 0)
                {
                    d.AddActive(-1);
                    d.AddInactive(1);
                }
                else if (d.InactiveConnections > 0)
                {
                    d.AddInactive(-1);
                }
            }

            switch (random.Next(400))
            {
                case 0:
                    {
                        var d = all[random.Next(all.Length)];
                        d.IsOverloaded = !d.IsOverloaded;
                        break;
                    }

                case 1 when service.Count > 2:
                    // Quiesce or restore: the service table changes weights under its lock and then updates.
                    {
                        var d = service[random.Next(service.Count)];
                        d.Weight = d.Weight == 0 ? random.Next(1, maxWeight + 1) : 0;
                        scheduler.Update(service);
                        kernel.Update(service);
                        break;
                    }

                case 2 when service.Count > 2:
                    service.RemoveAt(random.Next(service.Count));
                    scheduler.Update(service);
                    kernel.Update(service);
                    break;

                case 3:
                    {
                        var d = all[random.Next(all.Length)];
                        if (!service.Contains(d))
                        {
                            service.Insert(random.Next(service.Count + 1), d);
                            scheduler.Update(service);
                            kernel.Update(service);
                        }

                        break;
                    }
            }

            time.Advance(TimeSpan.FromMilliseconds(40));
            if (step % 500 == 0)
            {
                for (uint a = 0; a < Addresses; a++)
                {
                    Assert.Equal(kernel.SetOf(0xC6140000u + a), scheduler.ServerSetOf(0xC6140000u + a));
                }
            }
        }

        // The workload reached every branch of the decision, or the comparison above proved little.
        Assert.True(
            kernel.FromSet >= 300 && kernel.Rescheduled >= 300 && kernel.Shrinks >= 10,
            $"from set {kernel.FromSet}, rescheduled {kernel.Rescheduled}, shrinks {kernel.Shrinks}");
    }
}
