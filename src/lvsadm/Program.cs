namespace LvsDirector.Admin;

internal static class Program
{
    public static int Main() => 0;
}
