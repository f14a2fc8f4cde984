using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;
using Microsoft.Extensions.Time.Testing;

namespace DockerOps.Core.Tests;

public sealed class AccessScopeTests
{
    [Fact]
    public void The_command_line_form_reads_names_labels_and_projects_and_writes_back_the_same()
    {
        var scope = AccessScope.Parse("names=api-*,labels=team=payments,projects=shop,names=web-?").Value;

        Assert.Equal(["api-*", "web-?"], scope.Names);
        Assert.Equal(["team=payments"], scope.Labels);
        Assert.Equal(["shop"], scope.Projects);
        Assert.Equal(scope.ToCommandLine(), AccessScope.Parse(scope.ToCommandLine()).Value.ToCommandLine());
        Assert.True(scope.Includes("api-1", new Dictionary<string, string>()));
        Assert.True(scope.Includes("db-1", new Dictionary<string, string> { ["team"] = "payments" }));
        Assert.False(scope.Includes("db-1", new Dictionary<string, string> { ["team"] = "search" }));
        Assert.True(AccessScope.Parse(null).Value.IsUnrestricted);
    }

    [Theory]
    [InlineData("hosts=x", "scope")]
    [InlineData("names=", "scope")]
    [InlineData("labels==x", "scope.labels[0]")]
    public void A_malformed_scope_names_the_field(string text, string field)
    {
        var parsed = AccessScope.Parse(text);

        Assert.False(parsed.IsOk);
        Assert.Equal(field, parsed.Error!.Field);
    }
}

public sealed class ApiKeyTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MemoryKeyStore _store = new();
    private readonly InMemoryAuditTrail _audit = new();
    private static readonly Actor Admin = new("admin", "admin", Channel.Cli, Role.Admin, AccessScope.Unrestricted);

    private ApiKeyService Keys => new(_store, new ActionGate(_audit, _clock), _clock);

    [Fact]
    public void Generated_keys_carry_the_prefix_a_public_id_and_256_random_bits()
    {
        var (id, key) = ApiKeySecrets.Generate();

        Assert.Matches("^dko_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(id, ApiKeySecrets.IdOf(key));
        Assert.NotEqual(key, ApiKeySecrets.Generate().Key);
        Assert.Equal(ApiKeySecrets.BootstrapId, ApiKeySecrets.IdOf("some-operator-chosen-secret-of-enough-length"));
        Assert.Equal(32, ApiKeySecrets.Hash(key).Length);
    }

    [Fact]
    public async Task A_key_is_stored_as_a_hash_and_checked_until_it_expires_or_is_revoked()
    {
        var created = (await Keys.CreateAsync(Admin, new NewApiKey("ci", "operator", null, "1h"), CancellationToken.None)).Value;

        Assert.DoesNotContain(_store.Hashes.Values, hash => hash.SequenceEqual(System.Text.Encoding.UTF8.GetBytes(created.Key)));
        Assert.Equal("ci", (await Keys.CheckAsync(created.Key, CancellationToken.None)).Key!.Name);
        var forged = created.Key[..17] + new string('A', created.Key.Length - 17);
        Assert.Equal(KeyRejection.Unknown, (await Keys.CheckAsync(forged, CancellationToken.None)).Rejection);

        _clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(KeyRejection.Expired, (await Keys.CheckAsync(created.Key, CancellationToken.None)).Rejection);

        var other = (await Keys.CreateAsync(Admin, new NewApiKey("other", "viewer", null, null), CancellationToken.None)).Value;
        await Keys.RevokeAsync(Admin, "other", CancellationToken.None);
        Assert.Equal(KeyRejection.Revoked, (await Keys.CheckAsync(other.Key, CancellationToken.None)).Rejection);
        Assert.Contains(_audit.Records, r => r.Action == "key.revoke" && r.TargetName == "other" && r.Outcome == AuditOutcome.Ok);
        Assert.DoesNotContain(_audit.Records, r => r.Parameters.Values.Any(v => v?.Contains(other.Key) == true));
    }

    [Fact]
    public async Task Only_unrestricted_admins_create_keys_and_the_refusal_is_recorded()
    {
        var scopedAdmin = Admin with { Scope = new AccessScope(["api-*"], [], []) };
        var operatorActor = Admin with { Role = Role.Operator };

        Assert.Equal(ErrorKind.Forbidden, (await Keys.CreateAsync(scopedAdmin, new NewApiKey("x", "admin", null, null), CancellationToken.None)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Keys.CreateAsync(operatorActor, new NewApiKey("x", "admin", null, null), CancellationToken.None)).Error!.Kind);
        Assert.Equal(2, _audit.Records.Count(r => r.Action == "key.create" && r.Outcome == AuditOutcome.Denied));
    }

    [Fact]
    public async Task Seeding_the_bootstrap_key_is_idempotent_and_a_new_value_replaces_the_old()
    {
        Assert.Equal(BootstrapOutcome.Created, await Keys.SeedBootstrapAsync("first-bootstrap-key-0123456789abcdef", CancellationToken.None));
        Assert.Equal(BootstrapOutcome.Unchanged, await Keys.SeedBootstrapAsync("first-bootstrap-key-0123456789abcdef", CancellationToken.None));
        Assert.Equal(BootstrapOutcome.Rotated, await Keys.SeedBootstrapAsync("second-bootstrap-key-0123456789abcdef", CancellationToken.None));
        var generated = ApiKeySecrets.Generate().Key;
        Assert.Equal(BootstrapOutcome.Created, await Keys.SeedBootstrapAsync(generated, CancellationToken.None));

        Assert.Equal(KeyRejection.Revoked, (await Keys.CheckAsync("second-bootstrap-key-0123456789abcdef", CancellationToken.None)).Rejection);
        Assert.Equal(Role.Admin, (await Keys.CheckAsync(generated, CancellationToken.None)).Key!.Role);
        Assert.Single(await _store.ListAsync(CancellationToken.None), k => k.Revoked is null);
    }

    [Theory]
    [InlineData("30d", 30 * 24)]
    [InlineData("12h", 12)]
    [InlineData("2w", 14 * 24)]
    public void Expiry_reads_durations_from_now(string text, int hours)
    {
        var now = _clock.GetUtcNow();

        Assert.Equal(now.AddHours(hours), ApiKeyService.ParseExpiry(text, now).Value);
        Assert.Equal(new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero), ApiKeyService.ParseExpiry("2027-01-31T00:00:00Z", now).Value);
        Assert.Equal("expires", ApiKeyService.ParseExpiry("2025-01-01T00:00:00Z", now).Error!.Field);
    }

    private sealed class MemoryKeyStore : IApiKeyStore
    {
        private readonly Dictionary<string, ApiKey> _keys = [];

        public Dictionary<string, byte[]> Hashes { get; } = [];

        public Task<bool> AddAsync(ApiKey key, byte[] hash, CancellationToken cancellationToken)
        {
            if (_keys.Values.Any(k => k.Name == key.Name && k.Revoked is null))
                return Task.FromResult(false);
            _keys[key.Id] = key;
            Hashes[key.Id] = hash;
            return Task.FromResult(true);
        }

        public Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken) =>
            Task.FromResult(_keys.TryGetValue(id, out var key) ? new StoredApiKey(key, Hashes[id]) : null);

        public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ApiKey>>(_keys.Values.ToList());

        public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
        {
            _keys[id] = _keys[id] with { Revoked = at };
            return Task.FromResult(true);
        }

        public Task ReplaceHashAsync(string id, byte[] hash, CancellationToken cancellationToken)
        {
            Hashes[id] = hash;
            _keys[id] = _keys[id] with { Revoked = null };
            return Task.CompletedTask;
        }

        public Task TouchAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
        {
            _keys[id] = _keys[id] with { LastUsed = at };
            return Task.CompletedTask;
        }
    }
}

public sealed class GuardRailTests
{
    private static readonly ContainerGuardRails Rails = new(new GuardRailSettings
    {
        AllowedBindPaths = ["/srv/data"],
        AllowedCapabilities = ["NET_BIND_SERVICE"],
        OwnContainerIds = ["0123456789ab"],
    });

    private static ContainerSpec Spec(params MountSpec[] mounts) => new() { Image = "busybox", Mounts = mounts };

    [Theory]
    [InlineData("/srv/data", null)]
    [InlineData("/srv/data/app/", null)]
    [InlineData("/srv/database", "mounts[0].source")]
    [InlineData("/srv/data/../../etc", "mounts[0].source")]
    [InlineData("//", "mounts[0].source")]
    [InlineData("/var/run/docker.sock", "mounts[0].source")]
    [InlineData("/run", "mounts[0].source")]
    public void Bind_sources_are_normalised_before_the_allow_list_is_checked(string source, string? refusedField)
    {
        var refusal = Rails.CheckCreate(Spec(new MountSpec(MountType.Bind, source, "/data", false)));

        Assert.Equal(refusedField, refusal?.Field);
        if (refusal is not null)
            Assert.Equal(ErrorKind.Forbidden, refusal.Kind);
    }

    [Fact]
    public void Capabilities_compare_without_the_cap_prefix_and_volumes_are_not_binds()
    {
        Assert.Null(Rails.CheckCreate(Spec() with { CapAdd = ["cap_net_bind_service"] }));
        Assert.Equal("capAdd[0]", Rails.CheckCreate(Spec() with { CapAdd = ["ALL"] })!.Field);
        Assert.Null(Rails.CheckCreate(Spec(new MountSpec(MountType.Volume, "data", "/data", false))));
    }

    [Fact]
    public void Protected_containers_yield_only_to_an_admin_with_force()
    {
        var labelled = new ContainerSummary("ffff", "db", "img", ContainerState.Running, "Up", HealthStatus.None,
            new Dictionary<string, string> { [ContainerGuardRails.ProtectedLabel] = "true" }, DateTimeOffset.UnixEpoch, [], null, null);
        var own = labelled with { Id = "0123456789abcdef", Labels = new Dictionary<string, string>() };
        var plain = labelled with { Labels = new Dictionary<string, string>() };
        var admin = new Actor("a", "a", Channel.Slack, Role.Admin, AccessScope.Unrestricted);
        var operatorActor = admin with { Role = Role.Operator };

        Assert.Null(Rails.CheckDisruptive(admin, labelled, "stop", force: true));
        Assert.Contains("pass force=true", Rails.CheckDisruptive(admin, labelled, "stop", force: false)!.Detail);
        Assert.Contains("only an admin", Rails.CheckDisruptive(operatorActor, labelled, "kill", force: true)!.Detail);
        Assert.Contains("runs DockerOps itself", Rails.CheckDisruptive(admin, own, "remove", force: false)!.Detail);
        Assert.Null(Rails.CheckDisruptive(operatorActor, plain, "stop", force: false));
    }
}

public sealed class AuditParameterTests
{
    [Fact]
    public void Secret_looking_parameters_are_redacted_before_they_are_recorded()
    {
        var scrubbed = AuditParameters.Scrub(new Dictionary<string, string?>
        {
            ["name"] = "web",
            ["password"] = "hunter2",
            ["githubToken"] = "ghp_x",
            ["note"] = "key " + ApiKeySecrets.Generate().Key,
        });

        Assert.Equal("web", scrubbed["name"]);
        Assert.Equal(AuditParameters.Redacted, scrubbed["password"]);
        Assert.Equal(AuditParameters.Redacted, scrubbed["githubToken"]);
        Assert.Equal(AuditParameters.Redacted, scrubbed["note"]);
    }
}
