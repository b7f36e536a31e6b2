#pragma once
/// A worker thread: one io_context, its own database reader, the query
/// pipeline, its UDP sockets (one per listen address, SO_REUSEPORT) and the
/// TCP sessions the acceptors hand to it.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "net/udp_listener.hpp"
#include "query/pipeline.hpp"

namespace enumd::server::net {

struct Worker {
    Worker(std::unique_ptr<zones::Reader> r, query::PipelineParts parts)
        : reader(std::move(r)), pipeline(with_reader(parts, reader.get())) {}
    boost::asio::io_context io{1};
    std::unique_ptr<zones::Reader> reader;
    query::Pipeline pipeline;
    std::vector<std::unique_ptr<UdpListener>> udp;
    std::thread thread;

private:
    static query::PipelineParts with_reader(query::PipelineParts parts, zones::Reader* r) noexcept {
        parts.reader = r;
        return parts;
    }
};

}  // namespace enumd::server::net
