using System.Text;

namespace LvsDirector.Admin;

/// <summary>-h and -v text, laid out like ipvsadm 1.31's, listing what lvsadm supports.</summary>
internal static class UsageText
{
    /// <summary>ipvsadm release whose command line and output lvsadm follows.</summary>
    public const string CompatibleIpvsadmVersion = "1.31";

    public static string Version(string program) =>
        $"{program} v{CompatibleIpvsadmVersion} (ipvsadm {CompatibleIpvsadmVersion} compatible, talks to lvsd over a Unix socket)\n";

    public static string Usage(string program)
    {
        var p = program;
        var text = new StringBuilder();
        text.Append(Version(p));
        text.Append("Usage:\n")
            .Append($"  {p} -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]\n")
            .Append($"  {p} -D virtual-service\n")
            .Append($"  {p} -C\n")
            .Append($"  {p} -R\n")
            .Append($"  {p} -S [-n]\n")
            .Append($"  {p} -a|e virtual-service -r server-address [options]\n")
            .Append($"  {p} -d virtual-service -r server-address\n")
            .Append($"  {p} -L|l [virtual-service] [options]\n")
            .Append($"  {p} -Z [virtual-service]\n")
            .Append($"  {p} --set tcp tcpfin udp\n")
            .Append($"  {p} import keepalived|ldirectord FILE [-o OUT]   (lvsadm only: translate to lvsd.yaml)\n")
            .Append($"  {p} --reload   (lvsadm only: lvsd re-reads its configuration file)\n")
            .Append($"  {p} -h\n\n");
        text.Append("Commands:\n")
            .Append("Either long or short options are allowed.\n")
            .Append("  --add-service     -A        add virtual service with options\n")
            .Append("  --edit-service    -E        edit virtual service with options\n")
            .Append("  --delete-service  -D        delete virtual service\n")
            .Append("  --clear           -C        clear the whole table\n")
            .Append("  --restore         -R        restore rules from stdin\n")
            .Append("  --save            -S        save rules to stdout\n")
            .Append("  --add-server      -a        add real server with options\n")
            .Append("  --edit-server     -e        edit real server with options\n")
            .Append("  --delete-server   -d        delete real server\n")
            .Append("  --list            -L|-l     list the table\n")
            .Append("  --zero            -Z        zero counters in a service or all services\n")
            .Append("  --set tcp tcpfin udp        set connection timeout values\n")
            .Append("  --help            -h        display this help message\n\n");
        text.Append("virtual-service:\n")
            .Append("  --tcp-service|-t  service-address   service-address is host[:port]\n")
            .Append("  --udp-service|-u  service-address   service-address is host[:port]\n")
            .Append("  --fwmark-service|-f fwmark          fwmark is an integer greater than zero\n\n");
        text.Append("Options:\n")
            .Append("  --ipv6         -6                   fwmark entry uses IPv6\n")
            .Append("  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,\n")
            .Append($"                                      the default scheduler is {CommandLineParser.DefaultScheduler}.\n")
            .Append("  --pe            engine              alternate persistence engine may be sip,\n")
            .Append("                                      not set by default.\n")
            .Append("  --persistent   -p [timeout]         persistent service\n")
            .Append("  --netmask      -M netmask           persistent granularity mask\n")
            .Append("  --real-server  -r server-address    server-address is host (and port)\n")
            .Append("  --gatewaying   -g                   gatewaying (direct routing) (default)\n")
            .Append("  --ipip         -i                   ipip encapsulation (tunneling)\n")
            .Append("  --masquerading -m                   masquerading (NAT)\n")
            .Append("  --tun-type      type                one of ipip|gue|gre,\n")
            .Append("                                      the default tunnel type is ipip.\n")
            .Append("  --tun-port      port                tunnel destination port\n")
            .Append("  --tun-nocsum                        tunnel encapsulation without checksum\n")
            .Append("  --tun-csum                          tunnel encapsulation with checksum\n")
            .Append("  --tun-remcsum                       tunnel encapsulation with remote checksum\n")
            .Append("  --weight       -w weight            capacity of real server\n")
            .Append("  --u-threshold  -x uthreshold        upper threshold of connections\n")
            .Append("  --l-threshold  -y lthreshold        lower threshold of connections\n")
            .Append("  --connection   -c                   output of current IPVS connections\n")
            .Append("  --timeout                           output of timeout (tcp tcpfin udp)\n")
            .Append("  --stats                             output of statistics information\n")
            .Append("  --rate                              output of rate information\n")
            .Append("  --exact                             expand numbers (display exact values)\n")
            .Append("  --thresholds                        output of thresholds information\n")
            .Append("  --persistent-conn                   output of persistent connection info\n")
            .Append("  --tun-info                          output of tunnel information\n")
            .Append("  --nosort                            disable sorting output of service/server entries\n")
            .Append("  --sort                              does nothing, for backwards compatibility\n")
            .Append("  --ops          -o                   one-packet scheduling\n")
            .Append("  --numeric      -n                   numeric output of addresses and ports\n")
            .Append("  --sched-flags  -b flags             scheduler flags (comma-separated)\n")
            .Append("  --socket PATH                       lvsd control socket (default: $LVSADM_SOCKET or /run/lvsd/lvsd.sock)\n");
        return text.ToString();
    }
}
