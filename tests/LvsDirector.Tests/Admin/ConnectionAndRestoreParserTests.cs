using LvsDirector.Admin;

namespace LvsDirector.Tests.Admin;

/// <summary>-c and -R on the command line, with ipvsadm's option table and messages.</summary>
public sealed class ConnectionAndRestoreParserTests
{
    private static AdminCommand Parse(params string[] args) => new CommandLineParser(new FakeNameService()).Parse(args);

    private static string Fails(params string[] args) =>
        Assert.Throws<CommandLineException>(() => Parse(args)).Message;

    [Theory]
    [InlineData("-L", "-c")]
    [InlineData("-l", "-c")]
    [InlineData("-Lc")]
    [InlineData("--list", "--connection")]
    public void List_connection_forms_are_accepted(params string[] args)
    {
        var command = Parse(args);

        Assert.Equal(AdminCommandKind.List, command.Kind);
        Assert.True(command.ListConnections);
        Assert.Equal(DisplayOptions.None, command.Format);
    }

    [Fact]
    public void Numeric_exact_and_persistent_conn_go_with_connections()
    {
        var command = Parse("-lnc", "--exact", "--persistent-conn");

        Assert.True(command.ListConnections);
        Assert.Equal(DisplayOptions.Numeric | DisplayOptions.Exact | DisplayOptions.PersistentConn, command.Format);
        Assert.IsType<LvsDirector.Control.ListConnectionsRequest>(CommandExecutor.BuildRequest(command));
    }

    [Theory]
    [InlineData("--stats")]
    [InlineData("--rate")]
    [InlineData("--thresholds")]
    public void Counters_cannot_be_listed_with_connections(string option)
    {
        Assert.Equal("options conflicts in the list command", Fails("-L", "-c", option));
    }

    [Fact]
    public void Connections_and_a_service_are_exclusive()
    {
        Assert.Equal(
            "The option 'service-address' conflicts with the 'connection' option in the 'list' command",
            Fails("-L", "-c", "-t", "198.18.0.10:80"));
    }

    [Fact]
    public void Connection_option_is_illegal_elsewhere()
    {
        Assert.Equal("Illegal 'connection' option with the 'add-service' command", Fails("-A", "-t", "198.18.0.10:80", "-c"));
    }

    [Fact]
    public void Restore_takes_no_options()
    {
        Assert.Equal(AdminCommandKind.Restore, Parse("-R").Kind);
        Assert.Equal(AdminCommandKind.Restore, Parse("--restore").Kind);
        Assert.Equal("Illegal 'numeric' option with the 'restore' command", Fails("-R", "-n"));
    }

    [Fact]
    public void Persistence_engine_is_read_for_services()
    {
        var command = Parse("-A", "-u", "198.18.0.10:5060", "-p", "--pe", "sip");

        Assert.Equal("sip", command.PersistenceEngine);
        var request = Assert.IsType<LvsDirector.Control.AddServiceRequest>(CommandExecutor.BuildRequest(command));
        Assert.Equal("sip", request.Service.PersistenceEngine);
        Assert.Equal("Illegal 'pe' option with the 'add-server' command",
            Fails("-a", "-u", "198.18.0.10:5060", "-r", "198.18.1.1", "--pe", "sip"));
    }
}
