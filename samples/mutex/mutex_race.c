/*
 * mutex, buggy: a balance written by one goroutine and read by another,
 * with no lock.
 *
 * The bug: deposit() updates the balance while main reads it. Nothing
 * orders the read after the write (the sleep does not), so this is a
 * data race: main may see the old balance, or on other types or
 * machines a torn value, and the compiler may keep the value in a
 * register or reorder the accesses. It is undefined behaviour in C, as
 * it is a race in Go.
 *
 * The fix (mutex_locked.c): both sides take the same mutex.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static int balance = 100;

static void deposit(int amount)
{
    balance += amount; // LINE:write
}

static int current_balance(void)
{
    return balance; // LINE:read
}

static void payday(void *arg)
{
    (void)arg;
    deposit(50); // LINE:deposit
}

int main(void)
{
    go(payday, NULL); // LINE:go
    usleep(100 * 1000); /* orders the two in time only: no synchronisation */
    printf("balance %d\n", current_balance()); // LINE:main_read
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: balance 150
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   current_balance()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_read}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   deposit()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:   payday()
// EXPECT:       {{FILE}}:{{LINE:deposit}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'balance' of size 4 at {{ADDR}} (mutex_race+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
