namespace LvsDirector.Admin.Import;

/// <summary>
/// lvsadm import keepalived|ldirectord FILE [-o OUT]: prints lvsd YAML translated from FILE and lists on stderr
/// every directive that was not carried over.
/// </summary>
internal static class ImportCommand
{
    /// <summary>Exit status when FILE cannot be read or parsed.</summary>
    public const int ParseFailed = 1;

    public const string Usage =
        "Usage:\n" +
        "  lvsadm import keepalived FILE [-o OUT]\n" +
        "  lvsadm import ldirectord FILE [-o OUT]\n" +
        "Prints lvsd YAML (or writes it to OUT) and lists every directive not carried over on stderr.\n";

    /// <param name="args">The arguments after "import".</param>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        string? format = null;
        string? input = null;
        string? output = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                stdout.Write(Usage);
                return ExitCodes.Success;
            }

            if (arg is "-o" or "--output")
            {
                if (i + 1 >= args.Count || output is not null)
                {
                    return BadUsage(stderr, output is null ? $"{arg} needs a file name" : "-o given twice");
                }

                output = args[++i];
            }
            else if (arg.StartsWith("--output=", StringComparison.Ordinal))
            {
                output = arg["--output=".Length..];
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                return BadUsage(stderr, $"unknown option '{arg}'");
            }
            else if (format is null)
            {
                format = arg;
            }
            else if (input is null)
            {
                input = arg;
            }
            else
            {
                return BadUsage(stderr, $"unexpected argument '{arg}'");
            }
        }

        if (format is not (KeepalivedImporter.Format or LdirectordImporter.Format))
        {
            return BadUsage(stderr, format is null ? "say what to import: keepalived or ldirectord" : $"unknown format '{format}'; use keepalived or ldirectord");
        }

        if (input is null)
        {
            return BadUsage(stderr, "name the file to import");
        }

        ImportedConfiguration imported;
        try
        {
            string text;
            try
            {
                text = File.ReadAllText(input);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new ImportParseException(input, 0, $"cannot read the file: {ex.Message}");
            }

            imported = Import(format, text, input, Path.GetDirectoryName(Path.GetFullPath(input)));
        }
        catch (ImportParseException ex)
        {
            stderr.Write($"{Program.Name} import: {ex.ErrorText}\n");
            stderr.Write($"{Program.Name} import: nothing was produced\n");
            return ParseFailed;
        }

        var yaml = LvsdYamlWriter.Write(imported);
        if (output is null)
        {
            stdout.Write(yaml);
        }
        else
        {
            try
            {
                File.WriteAllText(output, yaml);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                stderr.Write($"{Program.Name} import: cannot write {output}: {ex.Message}\n");
                return ExitCodes.Failure;
            }
        }

        foreach (var warning in imported.OrderedWarnings())
        {
            stderr.Write($"{warning}\n");
        }

        stderr.Write($"{Program.Name} import: {imported.Services.Count} service(s) translated from {input}; {imported.Warnings.Count} item(s) above need attention\n");
        return ExitCodes.Success;
    }

    /// <summary>The translation without files, for tests and callers that hold the text.</summary>
    public static ImportedConfiguration Import(string format, string text, string fileName, string? baseDirectory) => format switch
    {
        KeepalivedImporter.Format => KeepalivedImporter.Import(text, fileName, baseDirectory),
        LdirectordImporter.Format => LdirectordImporter.Import(text, fileName),
        _ => throw new ArgumentException($"unknown format '{format}'", nameof(format)),
    };

    private static int BadUsage(TextWriter stderr, string message)
    {
        stderr.Write($"{Program.Name} import: {message}\n{Usage}");
        return ExitCodes.Failure;
    }
}
