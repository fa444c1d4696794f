using LvsDirector.Packets;
using LvsDirector.Tests.DataPath;

namespace LvsDirector.Tests.HighAvailability;

/// <summary>The data path side of failover: a VRRP backup neither answers ARP for its VIPs nor announces them.</summary>
public class VipOwnershipTests
{
    [Fact]
    public void Backup_sends_no_gratuitous_arp_and_answers_no_arp_for_the_vip()
    {
        var bed = new NatTestBed();
        bed.Worker.Ownership.Release();
        for (var t = 0; t < 1000; t += 100)
        {
            bed.Heartbeat(t);
        }

        Assert.DoesNotContain(NatTestBed.DrainSent(bed.ClientLink), IsArpReplyOrAnnouncement);

        bed.FromClient(ArpRequestForVip());
        Assert.Empty(NatTestBed.DrainSent(bed.ClientLink));
    }

    [Fact]
    public void Becoming_master_announces_the_vip_at_once_and_answers_arp_again()
    {
        var bed = new NatTestBed();
        bed.Worker.Ownership.Release();
        bed.Heartbeat(0);
        NatTestBed.DrainSent(bed.ClientLink);

        bed.Worker.Ownership.Acquire();
        bed.Heartbeat(100);
        var garp = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.True(Arp.TryRead(garp, 14, out var announced));
        Assert.True(announced.IsGratuitous);
        Assert.Equal(NatTestBed.Vip, announced.SenderAddress);

        // Repeated on the next heartbeats, as on start-up, then quiet.
        for (var t = 200; t < 1000; t += 100)
        {
            bed.Heartbeat(t);
        }

        Assert.Equal(2, NatTestBed.DrainSent(bed.ClientLink).Count(IsArpReplyOrAnnouncement));

        bed.FromClient(ArpRequestForVip());
        var reply = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.True(Arp.TryRead(reply, 14, out var arp));
        Assert.True(arp.IsReply);
    }

    [Fact]
    public void Releasing_stops_pending_announcements()
    {
        var bed = new NatTestBed();
        bed.Heartbeat(0);
        Assert.Single(NatTestBed.DrainSent(bed.ClientLink), IsArpReplyOrAnnouncement);

        bed.Worker.Ownership.Release();
        bed.Heartbeat(100);
        bed.Heartbeat(200);
        Assert.DoesNotContain(NatTestBed.DrainSent(bed.ClientLink), IsArpReplyOrAnnouncement);
    }

    private static byte[] ArpRequestForVip()
    {
        var request = new byte[60];
        Arp.WriteRequest(request, NatTestBed.ClientMac, NatTestBed.ClientAddress, NatTestBed.Vip);
        return request;
    }

    private static bool IsArpReplyOrAnnouncement(byte[] frame) =>
        Arp.TryRead(frame, 14, out var arp) && arp.SenderAddress == NatTestBed.Vip;
}
