#pragma once
// The heap allocations made so far by this test program (test_answer.cpp
// replaces operator new to count them), for tests that prove a path
// allocation-free.

long heap_allocations() noexcept;
