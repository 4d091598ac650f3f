// A tiny HTTP service for the hello tutorial: answers every request with a greeting.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const greeting = process.env.GREETING ?? 'hello';

createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end(`${greeting} from ${request.url}\n`);
}).listen(port, '127.0.0.1', () => {
  console.log(`greeter listening on 127.0.0.1:${port}`);
});
