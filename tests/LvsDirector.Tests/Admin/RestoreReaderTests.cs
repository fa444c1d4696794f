using LvsDirector.Admin;

namespace LvsDirector.Tests.Admin;

public sealed class RestoreReaderTests
{
    private static List<RestoreLine> Read(string text) => RestoreReader.Read(new StringReader(text)).ToList();

    [Fact]
    public void Each_line_is_one_command_split_on_blanks()
    {
        var lines = Read("-A -t 198.18.0.100:80 -s rr\n-a\t-t 198.18.0.100:80  -r 198.19.0.11:80 -m -w 1\r\n");

        Assert.Equal(2, lines.Count);
        Assert.Equal(["-A", "-t", "198.18.0.100:80", "-s", "rr"], lines[0].Arguments);
        Assert.Equal(["-a", "-t", "198.18.0.100:80", "-r", "198.19.0.11:80", "-m", "-w", "1"], lines[1].Arguments);
        Assert.Equal(2, lines[1].Number);
    }

    [Fact]
    public void Blank_lines_comments_and_the_program_name_are_skipped()
    {
        var lines = Read("\n   \n# saved table\nipvsadm -C\nlvsadm -A -f 1 -s rr # mark one\n");

        Assert.Equal(2, lines.Count);
        Assert.Equal((4, "ipvsadm -C"), (lines[0].Number, lines[0].Text));
        Assert.Equal(["-C"], lines[0].Arguments);
        Assert.Equal(["-A", "-f", "1", "-s", "rr"], lines[1].Arguments);
        Assert.Equal(5, lines[1].Number);
    }

    [Fact]
    public void No_input_gives_no_commands()
    {
        Assert.Empty(Read(string.Empty));
    }
}
