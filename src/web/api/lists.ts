/** GET /api/v1/lists — the active lists: who is waiting and who was served (/list show). */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context';

export function listsRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/v1/lists', async () => {
    const [lists, members] = await Promise.all([ctx.services.lists.listActive(), ctx.services.members.listAll()]);
    const names = new Map(members.map((m) => [m.discord_id, m.username]));
    const person = (id: string) => ({ id, username: names.get(id) ?? null });
    return {
      lists: lists.map((list) => ({
        id: list.list_id,
        name: list.list_name,
        quality: list.quality,
        created_at: list.created_at,
        created_by: list.created_by,
        // In the order the lists service keeps them (it stores them as sets).
        waiting: list.eligible_members.map(person),
        winners: list.winners.map(person),
      })),
    };
  });
}
