using System.Globalization;
using DockerOps.Core.Access;
using Microsoft.Extensions.Options;

namespace DockerOps.Api.Cli;

/// <summary>
/// <c>keys create|list|revoke</c> on the command line: runs against the data folder and exits without
/// serving. Whoever can run it can read the data folder anyway, so it acts as an unrestricted admin,
/// and every change is recorded in the audit trail under the channel <c>cli</c>.
/// </summary>
public sealed class KeysCommand
{
    public const string Usage = """
        Usage:
          keys create --name NAME --role viewer|operator|admin [--scope names=api-*,labels=team=x,projects=shop] [--expires 30d|RFC3339]
          keys list
          keys revoke ID|NAME
        """;

    private readonly string[] _args;

    private KeysCommand(string[] args) => _args = args;

    /// <summary>A keys command when the arguments start with <c>keys</c>; null means start the service.</summary>
    public static KeysCommand? TryParse(string[] args) =>
        args.Length > 0 && args[0] == "keys" ? new KeysCommand(args[1..]) : null;

    public async Task<int> RunAsync(IServiceProvider services, TextWriter output, TextWriter errors)
    {
        try
        {
            var keys = services.GetRequiredService<ApiKeyService>();
            var actor = new Actor($"cli:{Environment.UserName}", $"{Environment.UserName} (command line)", Channel.Cli, Role.Admin, AccessScope.Unrestricted);
            return _args switch
            {
                ["create", .. var rest] => await CreateAsync(keys, actor, rest, output, errors),
                ["list"] => await ListAsync(keys, actor, output, errors),
                ["revoke", var idOrName] => await RevokeAsync(keys, actor, idOrName, output, errors),
                _ => UsageError(errors, null),
            };
        }
        catch (OptionsValidationException ex)
        {
            await errors.WriteLineAsync(string.Join(Environment.NewLine, ex.Failures));
            return 1;
        }
        catch (AuditUnavailableException ex)
        {
            await errors.WriteLineAsync($"Nothing was changed: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> CreateAsync(ApiKeyService keys, Actor actor, string[] args, TextWriter output, TextWriter errors)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length || args[i][2..] is not ("name" or "role" or "scope" or "expires"))
                return UsageError(errors, $"Unexpected argument '{args[i]}'.");
            options[args[i][2..]] = args[++i];
        }

        var scope = AccessScope.Parse(options.GetValueOrDefault("scope"));
        if (!scope.IsOk)
            return await Fail(errors, scope.Error!);
        var created = await keys.CreateAsync(actor, new NewApiKey(options.GetValueOrDefault("name"), options.GetValueOrDefault("role"), scope.Value, options.GetValueOrDefault("expires")), CancellationToken.None);
        if (!created.IsOk)
            return await Fail(errors, created.Error!);

        var record = created.Value.Record;
        await errors.WriteLineAsync(
            $"Created key {record.Id} '{record.Name}': role {Lower(record.Role)}, scope {record.Scope.ToCommandLine()}, expires {Time(record.Expires) ?? "never"}. " +
            "The key is printed below, this once; it is stored only as a hash.");
        await output.WriteLineAsync(created.Value.Key);
        return 0;
    }

    private static async Task<int> ListAsync(ApiKeyService keys, Actor actor, TextWriter output, TextWriter errors)
    {
        var listed = await keys.ListAsync(actor, CancellationToken.None);
        if (!listed.IsOk)
            return await Fail(errors, listed.Error!);
        await output.WriteLineAsync("ID\tNAME\tROLE\tSCOPE\tCREATED\tEXPIRES\tLAST USED\tREVOKED");
        foreach (var key in listed.Value)
        {
            await output.WriteLineAsync(string.Join('\t',
                key.Id, key.Name, Lower(key.Role), key.Scope.ToCommandLine(), Time(key.Created), Time(key.Expires) ?? "never", Time(key.LastUsed) ?? "-", Time(key.Revoked) ?? "-"));
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(ApiKeyService keys, Actor actor, string idOrName, TextWriter output, TextWriter errors)
    {
        var revoked = await keys.RevokeAsync(actor, idOrName, CancellationToken.None);
        if (!revoked.IsOk)
            return await Fail(errors, revoked.Error!);
        await output.WriteLineAsync($"Revoked key {revoked.Value.Id} '{revoked.Value.Name}'.");
        return 0;
    }

    private static async Task<int> Fail(TextWriter errors, Core.Common.Error error)
    {
        await errors.WriteLineAsync(error.Field is null ? error.Detail : $"{error.Field}: {error.Detail}");
        return 1;
    }

    private static int UsageError(TextWriter errors, string? problem)
    {
        if (problem is not null)
            errors.WriteLine(problem);
        errors.WriteLine(Usage);
        return 2;
    }

    private static string Lower(Role role) => role.ToString().ToLowerInvariant();

    private static string? Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
