-- sqlite3 with a database file: a bulk insert in one transaction, an index,
-- queries, then the file is reopened by a second sqlite3 run (see run.sh).
pragma journal_mode = wal;
create table kv (k integer primary key, grp integer, v text, x real);
begin;
with recursive n(i) as (select 1 union all select i + 1 from n where i < 50000)
insert into kv (grp, v, x) select i % 97, hex(i * 2654435761 % 4294967296), (i * 7919 % 10007) / 3.0 from n;
commit;
create index kv_grp on kv(grp);
select count(*), sum(x), min(v), max(v) from kv;
select grp, count(*), round(avg(x), 4) from kv where grp in (0, 13, 96) group by grp order by grp;
select v from kv where grp = 42 order by x desc, k limit 5;
pragma integrity_check;
