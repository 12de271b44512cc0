-- sqlite workload for perf/userland.sh: a bulk insert of @N@ rows in one
-- transaction, an index, aggregates, a join and an update.  perf/userland.sh
-- replaces @N@ by the size; prints results that must match on every runner.
create table t (id integer primary key, grp integer, name text, x real);
begin;
with recursive c(i) as (select 1 union all select i + 1 from c where i < @N@)
insert into t (grp, name, x) select i % 101, printf('name-%08d', (i * 2654435761) % 100000007), (i * 7919 % 10007) / 7.0 from c;
commit;
create index t_grp on t(grp);
create table g (grp integer primary key, label text);
insert into g select distinct grp, 'group-' || grp from t;
select count(*), round(sum(x), 3), min(name), max(name) from t;
select g.label, count(*), round(avg(t.x), 4) from t join g using (grp) where grp % 25 = 0 group by g.label order by g.label;
update t set x = x * 2 where grp < 50;
select count(*), round(sum(x), 3) from t where name like 'name-0000%';
select grp, count(distinct substr(name, 6, 3)) from t group by grp order by 2 desc, 1 limit 3;
