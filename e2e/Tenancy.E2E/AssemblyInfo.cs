using Tenancy.E2E.Hosting;

[assembly: AssemblyFixture(typeof(PortalFixture))]
