using System.Net;

namespace LvsDirector.Services;

/// <summary>
/// The control plane's view of virtual services and real servers. Changes are serialised under one lock
/// and published as an immutable snapshot that packet workers read without locking.
/// </summary>
public sealed class ServiceTable
{
    public ServiceTableError AddService(VirtualServiceSpec spec) => throw new NotImplementedException();

    public ServiceTableError EditService(VirtualServiceSpec spec) => throw new NotImplementedException();

    public ServiceTableError DeleteService(ServiceKey key) => throw new NotImplementedException();

    public ServiceTableError AddRealServer(ServiceKey service, RealServerSpec server) => throw new NotImplementedException();

    public ServiceTableError EditRealServer(ServiceKey service, RealServerSpec server) => throw new NotImplementedException();

    public ServiceTableError DeleteRealServer(ServiceKey service, IPAddress address, ushort port) => throw new NotImplementedException();

    public void Clear() => throw new NotImplementedException();
}
