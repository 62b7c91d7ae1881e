using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Features.Tenants;

/// <summary>
/// One tab of the tenant page, reached at <c>/tenants/{id}/{Slug}</c>: a component that shows one
/// side of a tenant, for staff with the capability it <see cref="Requires"/>. Register it in
/// <see cref="TenantTabs"/>.
/// </summary>
/// <remarks>
/// The page passes the component the tenant's id as its <c>Guid TenantId</c> parameter and, if
/// the component declares one, an <c>EventCallback Changed</c> parameter it raises after it
/// changed the tenant, so the page re-reads the tenant for its header (name, status chip). A
/// component that does not fit is refused when the registration is made, not when a support
/// agent opens the tab.
/// </remarks>
public sealed partial class TenantTab
{
    private const string TenantIdParameter = "TenantId";
    private const string ChangedParameter = "Changed";

    private TenantTab(string slug, string label, Type component, StaffCapability requires)
    {
        if (!SlugPattern().IsMatch(slug))
        {
            throw new ArgumentException($"Tab slug '{slug}' is not a lower-case URL segment (a-z, 0-9, '-').", nameof(slug));
        }

        if (ParameterOf(component, TenantIdParameter) is not { } tenantId || tenantId.PropertyType != typeof(Guid))
        {
            throw new ArgumentException($"{component.Name} cannot be the '{slug}' tab: it has no [Parameter] Guid {TenantIdParameter}.", nameof(component));
        }

        var changed = ParameterOf(component, ChangedParameter);
        if (changed is not null && changed.PropertyType != typeof(EventCallback))
        {
            throw new ArgumentException($"{component.Name} cannot be the '{slug}' tab: its {ChangedParameter} parameter is not an EventCallback.", nameof(component));
        }

        Slug = slug;
        Label = label;
        Component = component;
        Requires = requires;
        TakesChanged = changed is not null;
    }

    /// <summary>The tab's URL segment: <c>quotas</c> in <c>/tenants/{id}/quotas</c>.</summary>
    public string Slug { get; }

    /// <summary>The tab's text on the page.</summary>
    public string Label { get; }

    /// <summary>The component the tab shows.</summary>
    public Type Component { get; }

    /// <summary>
    /// What a member of staff must be allowed to do to see the tab (the capability behind the
    /// policy of the same name). Staff without it see no such tab, and its URL shows the overview
    /// with a notice. The tab's component and services still check their own actions.
    /// </summary>
    public StaffCapability Requires { get; }

    /// <summary>Whether the component declares a <c>Changed</c> callback.</summary>
    public bool TakesChanged { get; }

    /// <summary>A tab showing <typeparamref name="TComponent"/>.</summary>
    public static TenantTab Of<TComponent>(string slug, string label, StaffCapability requires)
        where TComponent : IComponent =>
        new(slug, label, typeof(TComponent), requires);

    /// <summary>The tab's address for one tenant.</summary>
    public string Url(Guid tenantId) => $"{TenantTabs.OverviewUrl(tenantId)}/{Slug}";

    /// <summary>The component's parameters for <paramref name="tenantId"/>.</summary>
    public Dictionary<string, object?> Parameters(Guid tenantId, EventCallback changed)
    {
        var parameters = new Dictionary<string, object?> { [TenantIdParameter] = tenantId };
        if (TakesChanged)
        {
            parameters[ChangedParameter] = changed;
        }

        return parameters;
    }

    public override string ToString() => Slug;

    private static PropertyInfo? ParameterOf(Type component, string name) =>
        component.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { } property
        && property.GetCustomAttribute<ParameterAttribute>() is not null
            ? property
            : null;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
