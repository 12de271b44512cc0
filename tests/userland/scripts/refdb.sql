-- Made by the amd64 sqlite3 when the fixture is built (tests/userland/run.sh);
-- the riscv64 sqlite3 then reads the file.
create table t (id integer primary key, n integer, s text, b blob);
with recursive c(i) as (select 1 union all select i + 1 from c where i < 2000)
insert into t (n, s, b) select i * i, printf('row-%05d', i), zeroblob(i % 50) from c;
create index t_s on t(s);
